package io.tokenguard.it.programs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code TwoHostsProgram <guarded url> <unguarded url>}: one GET to each, both with the program's own
 * {@code Authorization: Bearer placeholder}. Prints {@code guarded_status=S} and {@code unguarded_status=S}.
 */
public final class TwoHostsProgram {
    public static void main(String[] args) throws Exception {
        HttpClient client = Programs.client();
        System.out.println("unguarded_status=" + get(client, args[1]));
        System.out.println("guarded_status=" + get(client, args[0]));
        System.out.println("unguarded_status_again=" + get(client, args[1]));
    }

    private static int get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", Programs.PLACEHOLDER).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
