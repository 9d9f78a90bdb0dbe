package io.tokenguard.it.programs;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * {@code IntrospectionProgram <url> <calls>}: makes N guarded calls, then prints everything a program, a
 * monitoring tool or a heap-less debugger could see of the agent from inside the JVM: every thread name,
 * every attribute of every registered MBean, every system property. The test searches it all for secrets.
 */
public final class IntrospectionProgram {
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int calls = Integer.parseInt(args[1]);
        HttpClient client = Programs.client();
        int ok = 0;
        for (int i = 0; i < calls; i++) {
            HttpRequest request = HttpRequest.newBuilder(url).header("Authorization", Programs.PLACEHOLDER).build();
            if (client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                ok++;
            }
        }
        System.out.println("ok=" + ok);
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            System.out.println("thread=" + thread.getName());
        }
        int attributes = 0;
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : server.queryNames(null, null)) {
            for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                Object value;
                try {
                    value = server.getAttribute(name, attribute.getName());
                } catch (Exception | LinkageError e) {
                    value = e.getClass().getName();
                }
                attributes++;
                System.out.println("mbean=" + name + " " + attribute.getName() + "="
                        + (value instanceof Object[] ? Arrays.deepToString((Object[]) value) : String.valueOf(value)));
            }
        }
        System.out.println("mbean_attributes=" + attributes);
        for (Map.Entry<Object, Object> property : new TreeMap<>(System.getProperties()).entrySet()) {
            System.out.println("property=" + property.getKey() + "=" + property.getValue());
        }
    }
}
