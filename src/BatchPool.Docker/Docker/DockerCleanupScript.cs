using System.Globalization;
using BatchPool.FateSharing;

namespace BatchPool.Docker;

/// <summary>
/// The shell script a <see cref="ProgramEndWatcher"/> runs to remove a session's containers, running or only created,
/// once its program is gone: with the docker command when there is one, else with curl on the engine's API.
/// </summary>
internal static class DockerCleanupScript
{
    /// <summary>The script for the containers labelled <c>batchpool.session=<paramref name="sessionId"/></c> on <paramref name="endpoint"/>.</summary>
    public static string For(string endpoint, string sessionId)
    {
        var label = $"{DockerSession.SessionLabel}={sessionId}";
        var filters = Uri.EscapeDataString($"{{\"label\":[\"{label}\"]}}");
        var (curlTarget, baseUrl) = endpoint.StartsWith("unix://", StringComparison.Ordinal)
            ? ($"--unix-socket {ProgramEndWatcher.Quote(endpoint["unix://".Length..])}", "http://localhost")
            : ("", "http://" + endpoint[(endpoint.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/'));
        var api = string.Create(CultureInfo.InvariantCulture, $"{baseUrl}/v{DockerEngine.ApiVersion}");
        // Three passes: a container whose create was under way when the program died appears a little later.
        return $$"""
            remove() {
              if command -v docker >/dev/null; then
                DOCKER_HOST={{ProgramEndWatcher.Quote(endpoint)}} docker ps -aq --filter {{ProgramEndWatcher.Quote("label=" + label)}} | xargs -r env DOCKER_HOST={{ProgramEndWatcher.Quote(endpoint)}} docker rm -f
              elif command -v curl >/dev/null; then
                for id in $(curl -s {{curlTarget}} '{{api}}/containers/json?all=1&filters={{filters}}' | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
                  curl -s {{curlTarget}} -X DELETE "{{api}}/containers/$id?force=1"
                done
              fi
            }
            remove; sleep 2; remove; sleep 10; remove
            """;
    }
}
