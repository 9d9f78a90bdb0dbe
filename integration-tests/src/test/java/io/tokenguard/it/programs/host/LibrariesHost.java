package io.tokenguard.it.programs.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * {@code LibrariesHost <url> <calls>}: a program that ships its own Byte Buddy and Jackson (other versions
 * than the agent's) and uses both between guarded calls: it defines a class with Byte Buddy and
 * (de)serializes with Jackson, and prints which versions it loaded, from which jars, which Jackson modules
 * it can discover and whether any class of the agent's is visible to it.
 */
public final class LibrariesHost {
    public static void main(String[] args) throws Exception {
        HostCalls calls = new HostCalls(args[0]);
        int count = Integer.parseInt(args[1]);
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 1; i <= count; i++) {
            int status = calls.call();
            Class<?> made = new ByteBuddy(ClassFileVersion.JAVA_V8).subclass(Object.class)
                    .name("io.tokenguard.it.programs.host.Made" + i)
                    .method(ElementMatchers.named("toString")).intercept(FixedValue.value("made by the host " + i))
                    .make().load(LibrariesHost.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER).getLoaded();
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("call", i);
            record.put("made", made.getDeclaredConstructor().newInstance().toString());
            JsonNode back = mapper.readTree(mapper.writeValueAsString(record));
            System.out.println("call " + i + " answered; json round trip: " + back + "; status known: " + (status != 0));
        }
        System.out.println("jackson_version=" + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION
                + " jackson_jar=" + jarOf(ObjectMapper.class) + " bytebuddy_jar=" + jarOf(ByteBuddy.class));
        System.out.println("jackson_modules_found=" + ObjectMapper.findModules());
        int services = 0;
        for (Object ignored : ServiceLoader.load(com.fasterxml.jackson.databind.Module.class)) {
            services++;
        }
        System.out.println("jackson_module_services=" + services);
        System.out.println("agent_classes_visible=" + visible("io.tokenguard.shaded.jackson.databind.ObjectMapper")
                + "," + visible("io.tokenguard.shaded.bytebuddy.ByteBuddy") + "," + visible("io.tokenguard.agent.Agent"));
        calls.finish();
    }

    private static String jarOf(Class<?> type) {
        String location = type.getProtectionDomain().getCodeSource().getLocation().getPath();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static boolean visible(String name) {
        try {
            Class.forName(name, false, LibrariesHost.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
