package io.tokenguard.config;

import static io.tokenguard.config.IpLiterals.V6_HIGH;
import static io.tokenguard.config.IpLiterals.V6_LOW;
import static io.tokenguard.config.IpLiterals.V6_VALID;
import static io.tokenguard.config.IpLiterals.parseV6;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The hosts whose requests tokenguard touches, from a comma list of {@code host}, {@code host:port},
 * {@code *.suffix} (any subdomain of suffix, at any depth, but not suffix itself) and bracketed IPv6 literals
 * ({@code [::1]}, {@code [::1]:8443}). An entry without a port matches every port.
 *
 * <p>{@link #matches} runs on every request: it allocates nothing, compares ASCII case-insensitively and
 * ignores one trailing dot on the request host.
 */
public final class HostMatcher {
    private static final HostMatcher NONE = new HostMatcher(new HostEntries());

    /** Exact names, lower case, no trailing dot. */
    private final String[] names;
    private final int[] namePorts;
    /** Suffixes with their leading dot ({@code .example.com}), lower case. */
    private final String[] suffixes;
    private final int[] suffixPorts;
    /** IPv6 literals as two 64-bit halves. */
    private final long[] v6High;
    private final long[] v6Low;
    private final int[] v6Ports;
    private final List<String> entries;
    private final String text;

    private HostMatcher(HostEntries parsed) {
        this.names = parsed.names.toArray(new String[0]);
        this.namePorts = toInts(parsed.namePorts);
        this.suffixes = parsed.suffixes.toArray(new String[0]);
        this.suffixPorts = toInts(parsed.suffixPorts);
        int v6Count = parsed.v6.size();
        this.v6High = new long[v6Count];
        this.v6Low = new long[v6Count];
        for (int i = 0; i < v6Count; i++) {
            v6High[i] = parsed.v6.get(i)[0];
            v6Low[i] = parsed.v6.get(i)[1];
        }
        this.v6Ports = toInts(parsed.v6Ports);
        this.entries = Collections.unmodifiableList(new ArrayList<>(parsed.entries));
        this.text = String.join(",", parsed.entries);
    }

    /** A matcher that matches nothing. */
    public static HostMatcher none() {
        return NONE;
    }

    /**
     * Parses a comma list (spaces around the commas are fine).
     *
     * @throws ConfigException naming {@code hosts} for an empty list, an empty entry, a bad name or port
     */
    public static HostMatcher parse(String list) throws ConfigException {
        return new HostMatcher(HostEntries.parse(list));
    }

    /**
     * Whether a request to {@code host} on {@code port} (the effective port: 80 or 443 already substituted for
     * a missing one) is guarded. {@code host} may be a name (any case, one trailing dot ignored), an IPv4
     * literal or an IPv6 literal with or without brackets.
     */
    public boolean matches(String host, int port) {
        if (host == null) {
            return false;
        }
        int from = 0;
        int to = host.length();
        if (to == 0) {
            return false;
        }
        if (host.charAt(0) == '[') {
            if (to < 3 || host.charAt(to - 1) != ']') {
                return false;
            }
            from = 1;
            to--;
            return matchesV6(host, from, to, port);
        }
        if (host.indexOf(':') >= 0) {
            return matchesV6(host, from, to, port);
        }
        if (host.charAt(to - 1) == '.') {
            to--;
        }
        int len = to - from;
        if (len == 0) {
            return false;
        }
        String[] names = this.names;
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            if (name.length() == len && portMatches(namePorts[i], port) && equalsLower(host, from, name, len)) {
                return true;
            }
        }
        String[] suffixes = this.suffixes;
        for (int i = 0; i < suffixes.length; i++) {
            String suffix = suffixes[i];
            int sl = suffix.length();
            if (sl < len && portMatches(suffixPorts[i], port) && equalsLower(host, to - sl, suffix, sl)) {
                return true;
            }
        }
        return false;
    }

    /** Whether no entry was given (only {@link #none()}). */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The normalized entries, e.g. {@code [api.example.com, *.example.org:8443, [::1]]}. */
    public List<String> entries() {
        return entries;
    }

    /** The normalized entries joined by commas, e.g. {@code api.example.com,*.example.org:8443,[::1]}. */
    @Override
    public String toString() {
        return text;
    }

    private boolean matchesV6(String host, int from, int to, int port) {
        if (v6Ports.length == 0) {
            return false;
        }
        int zone = host.indexOf('%', from);
        if (zone >= 0 && zone < to) {
            to = zone;
        }
        if (parseV6(host, from, to, V6_VALID) == 0) {
            return false;
        }
        long high = parseV6(host, from, to, V6_HIGH);
        long low = parseV6(host, from, to, V6_LOW);
        for (int i = 0; i < v6Ports.length; i++) {
            if (v6High[i] == high && v6Low[i] == low && portMatches(v6Ports[i], port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean portMatches(int entryPort, int port) {
        return entryPort < 0 || entryPort == port;
    }

    /** ASCII-only case-insensitive comparison of {@code host[off, off+len)} with lower-case {@code lower}. */
    private static boolean equalsLower(String host, int off, String lower, int len) {
        for (int i = 0; i < len; i++) {
            char c = host.charAt(off + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int[] toInts(List<Integer> values) {
        int[] result = new int[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }

    // ---- IPv6/IPv4 literals, kept here for callers in this package; see IpLiterals --------------------

    /** The address as {high, low}, or null when {@code text} (no brackets, no zone) is not an IPv6 literal. */
    static long[] ipv6(String text) {
        return IpLiterals.ipv6(text);
    }

    /** Whether {@code text} (brackets allowed) is the IPv6 loopback address in any spelling. */
    static boolean isV6Loopback(String text) {
        return IpLiterals.isV6Loopback(text);
    }

    /** RFC 5952 form: lower case, longest run (of two or more) of zero groups as {@code ::}. */
    static String canonicalV6(long[] address) {
        return IpLiterals.canonicalV6(address);
    }

    /** The dotted quad {@code s[from, to)} as an unsigned 32-bit value, or -1. */
    static long ipv4(String s, int from, int to) {
        return IpLiterals.ipv4(s, from, to);
    }
}
