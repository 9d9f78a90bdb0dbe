package io.tokenguard.it.programs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

/**
 * {@code PostProgram <url>}: sends request bodies one after another and prints, for each, what it sent
 * and what the server says it received: {@code body=NAME status=S sent_sha256=H sent_length=L response=JSON}.
 */
public final class PostProgram {
    /** Small enough to be echoed back by the server. */
    public static final String JSON_BODY = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"caf\u00e9 \u2603 \\\"quoted\\\" & = + % \\n end\"}],\"max_tokens\":16}";
    public static final String PUT_BODY = "plain text body, line 1\nline 2\n";
    public static final int BINARY_LENGTH = 256 * 1024;

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        HttpClient client = Programs.client();
        byte[] binary = new byte[BINARY_LENGTH];
        new Random(42).nextBytes(binary);
        int failures = 0;
        failures += send(client, "json", HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON_BODY)), JSON_BODY.getBytes(StandardCharsets.UTF_8));
        failures += send(client, "binary", HttpRequest.newBuilder(url).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(binary)), binary);
        failures += send(client, "put", HttpRequest.newBuilder(url).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(PUT_BODY)), PUT_BODY.getBytes(StandardCharsets.UTF_8));
        System.out.println("calls=3 failures=" + failures);
    }

    private static int send(HttpClient client, String name, HttpRequest.Builder request, byte[] sent) throws Exception {
        HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30))
                .header("Authorization", Programs.PLACEHOLDER).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("body=" + name + " status=" + response.statusCode() + " sent_sha256="
                + Programs.sha256Hex(sent) + " sent_length=" + sent.length + " response=" + response.body());
        return response.statusCode() == 200
                && Programs.sha256Hex(sent).equals(Programs.jsonField(response.body(), "body_sha256")) ? 0 : 1;
    }
}
