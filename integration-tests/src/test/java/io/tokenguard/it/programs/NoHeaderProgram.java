package io.tokenguard.it.programs;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@code NoHeaderProgram <url>}: one GET without any Authorization header; prints {@code status=S}. */
public final class NoHeaderProgram {
    public static void main(String[] args) throws Exception {
        int status = Programs.client().send(HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        System.out.println("status=" + status);
    }
}
