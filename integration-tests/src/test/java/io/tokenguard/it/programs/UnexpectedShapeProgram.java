package io.tokenguard.it.programs;

import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Paths;

/**
 * {@code UnexpectedShapeProgram <api url> <class dir>...}: for each directory, a plugin loader that holds a
 * class named like a client the agent instruments ({@code okhttp3.OkHttpClient}) but shaped otherwise; the
 * program makes one and prints what its {@code call()} says. Then one JDK HttpClient request to the API.
 * Prints {@code <dir name> says <answer>} per directory and {@code api status=N}.
 */
public final class UnexpectedShapeProgram {
    public static void main(String[] args) throws Exception {
        for (int i = 1; i < args.length; i++) {
            URL dir = Paths.get(args[i]).toUri().toURL();
            try (URLClassLoader plugin = new URLClassLoader("plugin-" + i, new URL[] {dir},
                    UnexpectedShapeProgram.class.getClassLoader())) {
                Class<?> client = Class.forName("okhttp3.OkHttpClient", true, plugin);
                Object instance = client.getConstructor().newInstance();
                System.out.println(Paths.get(args[i]).getFileName() + " says " + client.getMethod("call").invoke(instance));
            }
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(args[0])).header("Authorization", Programs.PLACEHOLDER)
                .build();
        System.out.println("api status=" + Programs.client().send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
