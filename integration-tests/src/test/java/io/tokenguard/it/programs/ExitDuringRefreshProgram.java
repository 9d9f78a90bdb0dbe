package io.tokenguard.it.programs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * {@code ExitDuringRefreshProgram <url> <millis>}: sends one GET from a background thread, and calls
 * {@code System.exit(0)} after the given time whether or not it was answered (as a command-line tool that
 * finishes its work, or is asked to stop, does).
 */
public final class ExitDuringRefreshProgram {
    public static void main(String[] args) throws Exception {
        HttpClient client = Programs.client();
        Thread call = new Thread(() -> {
            try {
                int status = client.send(HttpRequest.newBuilder(URI.create(args[0]))
                        .header("Authorization", Programs.PLACEHOLDER).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                System.out.println("status=" + status);
            } catch (Exception e) {
                System.out.println("exception=" + e);
            }
        }, "caller");
        call.setDaemon(true);
        call.start();
        Thread.sleep(Long.parseLong(args[1]));
        System.out.println("exiting");
        System.exit(0);
    }
}
