#!/usr/bin/env bash
# Builds BatchPool's default worker image, ghcr.io/batchpool/worker:MAJOR.MINOR, with no registry: a root file system
# holding this machine's .NET runtime (the dotnet host, hostfxr, Microsoft.NETCore.App) and the few system libraries
# it loads (OpenSSL, ICU), imported with `docker import`. It is what docker/Dockerfile builds from the official runtime image where
# a registry is reachable: the worker itself is not in the image, each executor ships it through storage.
#
#   docker/build-worker-image.sh [TAG]     # default tag: ghcr.io/batchpool/worker:<major.minor of the .NET runtime>
set -euo pipefail
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime="$(ls -d "$dotnet_root"/shared/Microsoft.NETCore.App/*/ | sort -V | tail -n 1)"
runtime="${runtime%/}"
version="$(basename "$runtime")"
tag="${1:-ghcr.io/batchpool/worker:${version%.*}}"
fxr="$(ls -d "$dotnet_root"/host/fxr/*/ | sort -V | tail -n 1)"

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
target="$rootfs/usr/share/dotnet"
mkdir -p "$target/shared/Microsoft.NETCore.App" "$target/host/fxr" "$rootfs/usr/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/root"
cp -a "$dotnet_root/dotnet" "$target/"
cp -a "${fxr%/}" "$target/host/fxr/"
cp -a "$runtime" "$target/shared/Microsoft.NETCore.App/"
# Diagnostics and tracing libraries the worker never loads.
rm -f "$target/shared/Microsoft.NETCore.App/$version"/{libcoreclrtraceptprovider.so,libmscordaccore.so,libmscordbi.so,createdump}
ln -s ../share/dotnet/dotnet "$rootfs/usr/bin/dotnet"
# A shell and `true`, for people who look inside and for the benchmark's baseline (`docker run IMAGE true`).
cp /bin/dash "$rootfs/usr/bin/dash" && ln -s dash "$rootfs/usr/bin/sh" && cp /usr/bin/true "$rootfs/usr/bin/true"
ln -s usr/bin "$rootfs/bin"
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"

# The system libraries: what the host and the runtime's native parts link to, and OpenSSL, which the runtime opens
# itself (HMAC-SHA256 authenticates every payload).
libs=()
for binary in "$rootfs/usr/bin/dash" "$rootfs/usr/bin/true" "$target/dotnet" "$target"/host/fxr/*/libhostfxr.so "$target/shared/Microsoft.NETCore.App/$version"/*.so; do
    while read -r path; do libs+=("$path"); done < <(ldd "$binary" | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
done
# awk reads ldconfig's whole output (no early exit): under pipefail, an early exit would fail the script with SIGPIPE.
library() { ldconfig -p | awk -v n="$1" '$1 == n && !found {print $NF; found = 1}'; }
for name in libssl.so.3 libcrypto.so.3; do
    path="$(library "$name")"
    [ -n "$path" ] || { echo "$name is not installed on this machine (Debian: libssl3)" >&2; exit 1; }
    libs+=("$path")
done
# ICU, as the official runtime image has it, when this machine has it (Debian 12: libicu72); else invariant globalization.
invariant=1
icu="$(ldconfig -p | awk '$1 ~ /^libicuuc\.so\.[0-9]+$/ && !found {print $1; found = 1}')"
if [ -n "$icu" ]; then
    version_suffix="${icu#libicuuc.so.}"
    for name in libicuuc libicui18n libicudata; do libs+=("$(library "$name.so.$version_suffix")"); done
    while read -r path; do libs+=("$path"); done < <(ldd "$(library "$icu")" | awk '$3 ~ /^\// {print $3}')
    invariant=0
fi
for path in $(printf '%s\n' "${libs[@]}" | sort -u); do
    # Copy the file under both its own path and the one it resolves to (/lib is a link to /usr/lib on Debian 12).
    real="$(readlink -f "$path")"
    mkdir -p "$rootfs$(dirname "$real")" "$rootfs$(dirname "$path")"
    cp -n "$real" "$rootfs$real"
    [ "$real" = "$path" ] || cp -n "$real" "$rootfs$path"
done

previous="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
tar -C "$rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/share/dotnet:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV DOTNET_ROOT=/usr/share/dotnet' \
    -c "ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=$invariant" \
    -c 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1' \
    -c "LABEL org.opencontainers.image.title=batchpool-worker batchpool.dotnet.runtime=$version" \
    -c 'WORKDIR /tmp' \
    -c 'CMD ["dotnet", "--list-runtimes"]' \
    - "$tag" >/dev/null
# The image this one replaces, if nothing else uses it.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]; then
    docker image rm "$previous" >/dev/null 2>&1 || true
fi
echo "built $tag (.NET runtime $version): $(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}')"
