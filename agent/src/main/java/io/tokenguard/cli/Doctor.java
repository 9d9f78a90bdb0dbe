package io.tokenguard.cli;

import io.tokenguard.config.ConfigException;
import io.tokenguard.config.Settings;
import io.tokenguard.store.CredentialPermissions;
import io.tokenguard.store.CredentialStore;
import io.tokenguard.store.CredentialsException;
import io.tokenguard.token.Fingerprint;
import io.tokenguard.token.Token;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -Dtokenguard.K=V ... -jar tokenguard-agent.jar doctor [--refresh]}: reads the configuration
 * exactly as the agent does and checks it, the credentials file, the token endpoint and the guarded hosts.
 * One line a check ({@code OK}, {@code WARN} or {@code FAIL}, what, and the fix), then a verdict. Exit 0
 * when nothing failed (warnings allowed), 1 when something did, 2 for bad usage.
 *
 * <p>It never spends the refresh token (a refresh rotates it) unless asked with {@code --refresh}, and
 * never prints a secret: tokens appear as fingerprints only.
 */
final class Doctor {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private final PrintStream out;
    private final Clock clock;
    private int warnings;
    private int failures;

    Doctor(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean refresh = false;
        for (String arg : args) {
            if (arg.equals("--refresh")) {
                refresh = true;
            } else {
                err.println("tokenguard doctor: unknown option '" + arg + "'; usage: doctor [--refresh]");
                return USAGE;
            }
        }
        return new Doctor(out, Clock.systemUTC()).check(tokenguardProperties(), System.getenv(), refresh);
    }

    /** The {@code tokenguard.*} system properties, as the agent takes them (plus {@code user.home} for {@code ~}). */
    private static Map<String, String> tokenguardProperties() {
        Map<String, String> copy = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("tokenguard.") || name.equals("user.home")) {
                copy.put(name, System.getProperty(name));
            }
        }
        return copy;
    }

    int check(Map<String, String> systemProperties, Map<String, String> environment, boolean refresh) {
        Settings settings = configuration(systemProperties, environment);
        if (settings != null && settings.credentialsFile() != null) {
            Token token = credentials(settings);
            boolean hasRefreshToken = token != null && token.refreshToken() != null;
            if (settings.tokenUrl() != null) {
                if (refresh && hasRefreshToken) {
                    report(DoctorRefresh.run(settings, clock));
                } else {
                    report(TokenEndpointProbe.probe(settings));
                    if (refresh) {
                        fail("refresh", "not attempted: " + (token == null ? "the credentials file is not usable"
                                : "the file holds no refresh token"), "fix the lines above, then run doctor --refresh again");
                    }
                }
            } else if (hasRefreshToken) {
                fail("token-url", "not set, but the credentials file holds a refresh token: the agent would disable "
                        + "itself", "set -Dtokenguard.token-url=https://.../oauth/token or a preset such as "
                        + "tokenguard.preset=claude-code");
            } else {
                warn("token-url", "not set: the agent injects the token but cannot refresh it",
                        "set -Dtokenguard.token-url if the server issues refresh tokens");
            }
            hosts(settings);
        }
        verdict();
        return failures == 0 ? OK : FAILED;
    }

    private Settings configuration(Map<String, String> systemProperties, Map<String, String> environment) {
        Settings settings;
        try {
            settings = Settings.load(systemProperties, environment);
        } catch (ConfigException e) {
            fail("config", e.getMessage(), "correct tokenguard." + e.key() + " as the line says; the agent "
                    + "would disable itself with this configuration");
            return null;
        }
        for (String warning : settings.warnings()) {
            warn("config", warning, "correct or remove the setting");
        }
        if (!settings.enabled()) {
            warn("config", "tokenguard.enabled=false: the agent does nothing", "unset tokenguard.enabled to use it");
        }
        if (settings.credentialsFile() == null) {
            return settings;
        }
        ok("config", "preset " + settings.preset() + ", hosts " + settings.hosts() + ", credentials-file "
                + settings.credentialsFile() + ", token-url "
                + (settings.tokenUrl() == null ? "none" : settings.tokenUrl().toString())
                + (settings.configFile() == null ? "" : ", config-file " + settings.configFile()));
        return settings;
    }

    /** Reads the file as the agent does; returns the token, or null when it is unusable. */
    private Token credentials(Settings settings) {
        Path file = settings.credentialsFile();
        CredentialStore store = DoctorRefresh.store(settings, clock);
        Token token;
        try {
            token = store.read().token();
        } catch (CredentialsException e) {
            fail("credentials", e.getMessage(), credentialsFix(e, settings));
            return null;
        }
        Instant now = clock.instant();
        String link = Files.isSymbolicLink(file) ? " (a symbolic link; read and written through it)" : "";
        if (token.expiresAt() == null) {
            ok("credentials", file + link + ": access token fp=" + token.fingerprint() + ", expiry unknown (no "
                    + settings.expiresAtPointer() + "): refreshed when a guarded host answers 401");
        } else if (token.isExpired(now)) {
            String what = file + link + ": access token fp=" + token.fingerprint() + " expired "
                    + duration(now, token.expiresAt()) + " ago (" + token.expiresAt().truncatedTo(ChronoUnit.SECONDS) + ")";
            if (token.refreshToken() != null) {
                warn("credentials", what, "none needed: the agent refreshes it before the first request "
                        + "(or run doctor --refresh now)");
            } else {
                fail("credentials", what + ", and there is no refresh token", settings.reloginHint());
            }
        } else {
            ok("credentials", file + link + ": access token fp=" + token.fingerprint() + ", expires in "
                    + duration(token.expiresAt(), now) + " (" + token.expiresAt().truncatedTo(ChronoUnit.SECONDS) + ")");
        }
        if (token.refreshToken() != null) {
            ok("refresh-token", "present at " + settings.refreshTokenPointer() + ", fp="
                    + Fingerprint.of(token.refreshToken()));
        } else if (!token.isExpired(now)) {
            warn("refresh-token", "none at " + settings.refreshTokenPointer() + ": the agent can inject the "
                    + "access token but not renew it", "check tokenguard.credentials.refresh-token, or "
                    + settings.reloginHint());
        }
        String mode = CredentialPermissions.openToOthers(file);
        if (mode == null) {
            ok("permissions", file + " is readable by its owner only");
        } else {
            warn("permissions", file + " is " + mode + ": other users of this machine can read the login",
                    "chmod 600 " + file);
        }
        return token;
    }

    /** The message already says what to check; past that, a new login writes a good file. */
    private static String credentialsFix(CredentialsException e, Settings settings) {
        return e.reason() == CredentialsException.Reason.UNREADABLE ? "chmod 600 " + e.file()
                + " as the user who runs the program" : settings.reloginHint();
    }

    /** Each exact host name must resolve; wildcards and IP literals have nothing to look up. */
    private void hosts(Settings settings) {
        for (String entry : settings.hosts().entries()) {
            String host = hostOf(entry);
            if (host.startsWith("*.") || host.startsWith("[") || host.matches("[0-9.]+")) {
                ok("host", entry + " (nothing to resolve)");
                continue;
            }
            try {
                InetAddress[] addresses = InetAddress.getAllByName(host);
                ok("host", entry + " resolves to " + addresses[0].getHostAddress()
                        + (addresses.length > 1 ? " and " + (addresses.length - 1) + " more" : ""));
            } catch (UnknownHostException | SecurityException e) {
                warn("host", entry + " does not resolve (" + e.getClass().getSimpleName() + ")",
                        "check the spelling in tokenguard.hosts and this machine's DNS");
            }
        }
    }

    /** {@code host}, {@code host:port} or {@code [v6]:port} without the port. */
    static String hostOf(String entry) {
        if (entry.startsWith("[")) {
            return entry.substring(0, entry.indexOf(']') + 1);
        }
        int colon = entry.lastIndexOf(':');
        return colon < 0 ? entry : entry.substring(0, colon);
    }

    private void report(List<Line> lines) {
        for (Line line : lines) {
            print(line.status, line.what, line.message, line.fix);
        }
    }

    private void ok(String what, String message) {
        print(Status.OK, what, message, null);
    }

    private void warn(String what, String message, String fix) {
        print(Status.WARN, what, message, fix);
    }

    private void fail(String what, String message, String fix) {
        print(Status.FAIL, what, message, fix);
    }

    private void print(Status status, String what, String message, String fix) {
        if (status == Status.WARN) {
            warnings++;
        } else if (status == Status.FAIL) {
            failures++;
        }
        out.println(String.format("%-4s %-13s %s%s", status, what, message, fix == null ? "" : "; fix: " + fix));
    }

    private void verdict() {
        if (failures > 0) {
            out.println("verdict: FAIL (" + failures + " problem" + (failures == 1 ? "" : "s") + ", " + warnings
                    + " warning" + (warnings == 1 ? "" : "s") + "): fix the lines marked FAIL");
        } else if (warnings > 0) {
            out.println("verdict: OK with " + warnings + " warning" + (warnings == 1 ? "" : "s"));
        } else {
            out.println("verdict: OK");
        }
    }

    /** {@code 2h 5m}, {@code 4m 10s} or {@code 12s}: the time from {@code earlier} to {@code later}. */
    static String duration(Instant later, Instant earlier) {
        long seconds = Math.max(0, ChronoUnit.SECONDS.between(earlier, later));
        if (seconds >= 86_400) {
            return (seconds / 86_400) + "d " + (seconds % 86_400 / 3600) + "h";
        }
        if (seconds >= 3600) {
            return (seconds / 3600) + "h " + (seconds % 3600 / 60) + "m";
        }
        if (seconds >= 60) {
            return (seconds / 60) + "m " + (seconds % 60) + "s";
        }
        return seconds + "s";
    }

    enum Status { OK, WARN, FAIL }

    /** One check's outcome, for the checks that live in their own class. */
    static final class Line {
        final Status status;
        final String what;
        final String message;
        final String fix;

        Line(Status status, String what, String message, String fix) {
            this.status = status;
            this.what = what;
            this.message = message;
            this.fix = fix;
        }

        static List<Line> of(Status status, String what, String message, String fix) {
            List<Line> lines = new ArrayList<>();
            lines.add(new Line(status, what, message, fix));
            return lines;
        }
    }
}
