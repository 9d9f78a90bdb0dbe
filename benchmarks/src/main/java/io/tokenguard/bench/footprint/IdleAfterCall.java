package io.tokenguard.bench.footprint;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code IdleAfterCall <url> <token> <idle seconds>}: one call with the JDK client (status must be 200), then
 * idle; prints the heap in use after a full collection and the live threads, then {@code ready <pid>}, and
 * waits for a line on standard input (the driver takes a class histogram meanwhile) before it exits.
 */
public final class IdleAfterCall {
    private IdleAfterCall() {}

    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(args[0]))
                .header("Authorization", "Bearer " + args[1]).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            System.out.println("status " + response.statusCode());
            System.exit(1);
        }
        Thread.sleep(Long.parseLong(args[2]) * 1000);
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        System.out.println("heap_used_bytes=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        System.out.println("nonheap_used_bytes=" + ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed());
        List<String> threads = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            threads.add(thread.getName());
        }
        Collections.sort(threads);
        System.out.println("threads=" + String.join(",", threads));
        System.out.println("ready " + ProcessHandle.current().pid());
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        // The client stays reachable (and its threads alive) until here, as in a program that keeps it.
        System.out.println("client " + client.version());
    }
}
