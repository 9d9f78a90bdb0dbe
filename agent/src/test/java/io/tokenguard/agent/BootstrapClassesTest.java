package io.tokenguard.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BootstrapClassesTest {
    /** A bridge class missing from the list would fail with NoClassDefFoundError inside a JDK class. */
    @Test
    void everyClassOfTheBootstrapModuleIsDefined() throws IOException {
        Path classes = Paths.get("../bootstrap/target/classes");
        List<String> compiled;
        try (Stream<Path> files = Files.walk(classes)) {
            compiled = files.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .sorted().collect(Collectors.toList());
        }
        assertEquals(compiled, BootstrapClasses.NAMES.stream().sorted().collect(Collectors.toList()));
    }
}
