package io.tokenguard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code hosts} list parsed and validated for {@link HostMatcher}: exact names, {@code *.suffix} entries
 * and IPv6 literals, each with its port (-1 for any port), plus the normalized entries in list order.
 */
final class HostEntries {
    /** Exact names, lower case, no trailing dot. */
    final List<String> names = new ArrayList<>();
    final List<Integer> namePorts = new ArrayList<>();
    /** Suffixes with their leading dot ({@code .example.com}), lower case. */
    final List<String> suffixes = new ArrayList<>();
    final List<Integer> suffixPorts = new ArrayList<>();
    /** IPv6 literals as {high, low}. */
    final List<long[]> v6 = new ArrayList<>();
    final List<Integer> v6Ports = new ArrayList<>();
    /** The normalized entries, in list order. */
    final List<String> entries = new ArrayList<>();

    /** No entries (for {@link HostMatcher#none()}). */
    HostEntries() {
    }

    /**
     * Parses a comma list (spaces around the commas are fine).
     *
     * @throws ConfigException naming {@code hosts} for an empty list, an empty entry, a bad name or port
     */
    static HostEntries parse(String list) throws ConfigException {
        if (list == null || list.trim().isEmpty()) {
            throw new ConfigException("hosts", Settings.PREFIX + "hosts: no hosts given; set tokenguard.hosts="
                    + "api.example.com (a comma list of host, host:port or *.domain) or tokenguard.preset=claude-code");
        }
        HostEntries result = new HostEntries();
        for (String raw : list.split(",", -1)) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                throw bad(list, "has an empty entry; remove the extra comma");
            }
            for (int i = 0; i < entry.length(); i++) {
                char c = entry.charAt(i);
                if (c <= ' ' || c == 0x7f) {
                    throw bad(entry, "contains a space or control character; separate entries with commas");
                }
            }
            String host;
            int port = -1;
            if (entry.charAt(0) == '[') {
                int close = entry.indexOf(']');
                if (close < 0) {
                    throw bad(entry, "has no closing ]; write IPv6 addresses as [::1] or [::1]:8443");
                }
                host = entry.substring(1, close);
                String rest = entry.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (rest.charAt(0) != ':') {
                        throw bad(entry, "has text after ]; write IPv6 addresses as [::1] or [::1]:8443");
                    }
                    port = port(entry, rest.substring(1));
                }
                long[] address = IpLiterals.ipv6(host);
                if (address == null) {
                    throw bad(entry, "is not an IPv6 address; write IPv6 addresses as [::1] or [::1]:8443");
                }
                result.v6.add(address);
                result.v6Ports.add(port);
                result.entries.add("[" + IpLiterals.canonicalV6(address) + "]" + (port < 0 ? "" : ":" + port));
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon >= 0 && entry.indexOf(':', colon + 1) >= 0) {
                // a bare IPv6 literal, no port possible
                long[] address = IpLiterals.ipv6(entry);
                if (address == null) {
                    throw bad(entry, "is not a host name or IPv6 address; write IPv6 addresses in brackets, "
                            + "e.g. [::1]:8443");
                }
                result.v6.add(address);
                result.v6Ports.add(-1);
                result.entries.add("[" + IpLiterals.canonicalV6(address) + "]");
                continue;
            }
            if (colon >= 0) {
                host = entry.substring(0, colon);
                port = port(entry, entry.substring(colon + 1));
            } else {
                host = entry;
            }
            host = host.toLowerCase(Locale.ROOT);
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            String suffix = null;
            if (host.startsWith("*.")) {
                suffix = host.substring(2);
                if (suffix.indexOf('.') < 0) {
                    throw bad(entry, "would match every host under a top-level domain; name the domain, "
                            + "e.g. *.example.com");
                }
                host = suffix;
            } else if (host.equals("*")) {
                throw bad(entry, "would send the token to every host; list the API hosts, e.g. api.example.com");
            }
            if (!validName(host)) {
                throw bad(entry, "is not a host name; use host, host:port or *.domain, e.g. api.example.com, "
                        + "localhost:8080, *.example.com");
            }
            String normalized = (suffix != null ? "*." : "") + host + (port < 0 ? "" : ":" + port);
            if (suffix != null) {
                result.suffixes.add("." + suffix);
                result.suffixPorts.add(port);
            } else {
                result.names.add(host);
                result.namePorts.add(port);
            }
            result.entries.add(normalized);
        }
        return result;
    }

    private static boolean validName(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        int labelLength = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                if (labelLength == 0) {
                    return false;
                }
                labelLength = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                if (++labelLength > 63) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return labelLength > 0;
    }

    private static int port(String entry, String text) throws ConfigException {
        if (text.isEmpty() || text.length() > 5) {
            throw bad(entry, "has a bad port; use a number from 1 to 65535, e.g. localhost:8080");
        }
        int port = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw bad(entry, "has a bad port; use a number from 1 to 65535, e.g. localhost:8080");
            }
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535) {
            throw bad(entry, "has a bad port; use a number from 1 to 65535, e.g. localhost:8080");
        }
        return port;
    }

    private static ConfigException bad(String entry, String problem) {
        return new ConfigException("hosts", Settings.PREFIX + "hosts: " + Settings.quote(entry) + " " + problem);
    }
}
