package io.tokenguard.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Reads a library's version from the properties file it ships for that purpose (Apache HttpComponents:
 * {@code info.release} in {@code .../version.properties}), as a resource of the loader that holds it: no
 * class of the library is loaded to learn it.
 */
public final class VersionProperties {
    private VersionProperties() {}

    /**
     * {@code info.release} of an HttpComponents {@code version.properties} (a resource path such as
     * {@code org/apache/http/client/version.properties}), or "unknown".
     */
    public static String release(ClassLoader loader, String resource) {
        String version = find(loader, resource, "info.release");
        return version != null ? version : "unknown";
    }

    /** The value of {@code key} in the properties resource {@code resource}, or null. */
    public static String find(ClassLoader loader, String resource, String key) {
        ClassLoader source = loader != null ? loader : ClassLoader.getPlatformClassLoader();
        try (InputStream in = source.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            String value = properties.getProperty(key);
            return value == null || value.isBlank() ? null : value.trim();
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
