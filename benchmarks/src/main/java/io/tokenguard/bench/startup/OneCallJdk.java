package io.tokenguard.bench.startup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The start-up program for java.net.http: one GET with a bearer token, then exit (1 on any status but 200). */
public final class OneCallJdk {
    private OneCallJdk() {}

    public static void main(String[] args) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(args[0])).header("Authorization", "Bearer " + args[1]).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            System.err.println("status " + response.statusCode());
            System.exit(1);
        }
    }
}
