package io.tokenguard.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A JDK that child JVMs run on: the one running the tests, and Temurin 25 where it is installed. Set
 * {@code -Dtokenguard.it.jdks=/path/a,/path/b} to choose others.
 */
public final class Jdk {
    static final String TEMURIN_25 = "/usr/lib/jvm/temurin-25-jdk-amd64";

    private final String name;
    private final Path home;

    Jdk(String name, Path home) {
        this.name = name;
        this.home = home;
    }

    public Path home() {
        return home;
    }

    public Path java() {
        Path bin = home.resolve("bin");
        Path java = bin.resolve("java");
        return Files.isRegularFile(java) ? java : bin.resolve("java.exe");
    }

    @Override
    public String toString() {
        return name;
    }

    /** For {@code @MethodSource("io.tokenguard.it.Jdk#all")}. */
    public static Stream<Jdk> all() {
        return list().stream();
    }

    public static Jdk current() {
        return list().get(0);
    }

    static List<Jdk> list() {
        List<Jdk> jdks = new ArrayList<>();
        String chosen = System.getProperty("tokenguard.it.jdks", "");
        if (!chosen.isBlank()) {
            for (String home : chosen.split(",")) {
                Path path = Paths.get(home.trim());
                jdks.add(new Jdk("jdk@" + path.getFileName(), path));
            }
            return jdks;
        }
        jdks.add(new Jdk("jdk" + Runtime.version().feature(), Paths.get(System.getProperty("java.home"))));
        if (new File(TEMURIN_25, "bin/java").isFile()
                && !Paths.get(TEMURIN_25).toAbsolutePath().equals(Paths.get(System.getProperty("java.home")).toAbsolutePath())) {
            jdks.add(new Jdk("temurin25", Paths.get(TEMURIN_25)));
        }
        return jdks;
    }
}
