package io.tokenguard.bench.requests;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

/**
 * {@code RequestLoop <client> <url> <token> <warm-up seconds> <measured seconds>}: one client of the given
 * kind, reused (keep-alive), GETs the URL in a closed loop on one thread, reading every body whole. Any
 * status but 200 ends the run with exit 1. After the warm-up it measures: prints {@code requests},
 * {@code seconds}, {@code p50_us}, {@code p99_us} and {@code cpu_us_per_request} (this process's CPU time,
 * all threads, over the measured requests).
 */
public final class RequestLoop {
    private RequestLoop() {}

    interface Client {
        int get(String url, String authorization) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Client client = client(args[0]);
        String url = args[1];
        String authorization = "Bearer " + args[2];
        long warmEnd = System.nanoTime() + (long) (Double.parseDouble(args[3]) * 1e9);
        while (System.nanoTime() < warmEnd) {
            check(client.get(url, authorization));
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] latencies = new long[1 << 20];
        int n = 0;
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (Double.parseDouble(args[4]) * 1e9);
        long now = start;
        while (now < end && n < latencies.length) {
            check(client.get(url, authorization));
            long after = System.nanoTime();
            latencies[n++] = after - now;
            now = after;
        }
        long cpu = os.getProcessCpuTime() - cpuStart;
        long[] measured = Arrays.copyOf(latencies, n);
        Arrays.sort(measured);
        System.out.println("requests=" + n);
        System.out.println("seconds=" + (now - start) / 1e9);
        System.out.println("p50_us=" + measured[n / 2] / 1000.0);
        System.out.println("p99_us=" + measured[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1000.0);
        System.out.println("cpu_us_per_request=" + cpu / 1000.0 / n);
        System.exit(0); // some clients keep non-daemon threads; the figures are out
    }

    private static void check(int status) {
        if (status != 200) {
            System.out.println("unexpected status " + status);
            System.exit(1);
        }
    }

    private static Client client(String kind) {
        switch (kind) {
            case "jdk-http-client": {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                return (url, authorization) -> http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofByteArray())
                        .statusCode();
            }
            case "url-connection":
                return (url, authorization) -> {
                    HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
                    connection.setRequestProperty("Authorization", authorization);
                    int status = connection.getResponseCode();
                    try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                        drain(in);
                    }
                    return status;
                };
            case "okhttp": {
                okhttp3.OkHttpClient http = new okhttp3.OkHttpClient();
                return (url, authorization) -> {
                    try (okhttp3.Response response = http.newCall(new okhttp3.Request.Builder().url(url)
                            .header("Authorization", authorization).build()).execute()) {
                        response.body().bytes();
                        return response.code();
                    }
                };
            }
            case "apache-httpclient-5": {
                org.apache.hc.client5.http.impl.classic.CloseableHttpClient http =
                        org.apache.hc.client5.http.impl.classic.HttpClients.custom().build();
                return (url, authorization) -> {
                    org.apache.hc.client5.http.classic.methods.HttpGet get =
                            new org.apache.hc.client5.http.classic.methods.HttpGet(url);
                    get.setHeader("Authorization", authorization);
                    return http.execute(get, response -> {
                        org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
                        return response.getCode();
                    });
                };
            }
            case "apache-httpclient-4": {
                org.apache.http.impl.client.CloseableHttpClient http =
                        org.apache.http.impl.client.HttpClientBuilder.create().build();
                return (url, authorization) -> {
                    org.apache.http.client.methods.HttpGet get = new org.apache.http.client.methods.HttpGet(url);
                    get.setHeader("Authorization", authorization);
                    try (org.apache.http.client.methods.CloseableHttpResponse response = http.execute(get)) {
                        org.apache.http.util.EntityUtils.consume(response.getEntity());
                        return response.getStatusLine().getStatusCode();
                    }
                };
            }
            default:
                throw new IllegalArgumentException("unknown client " + kind);
        }
    }

    private static void drain(InputStream in) throws Exception {
        if (in != null) {
            in.transferTo(new ByteArrayOutputStream());
        }
    }
}
