package io.tokenguard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialPermissionsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void posixOnly() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    }

    private Path file(String mode) throws IOException {
        Path file = dir.resolve("credentials-" + mode + ".json");
        Files.write(file, "{}".getBytes());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void ownerOnlyIsFine() throws Exception {
        assertNull(CredentialPermissions.openToOthers(file("rw-------")));
        assertNull(CredentialPermissions.openToOthers(file("r--------")));
        assertNull(CredentialPermissions.openToOthers(file("rwx--x--x")), "execute bits give nobody the content");
    }

    @Test
    void readableOrWritableByGroupOrEveryoneIsNamedWithItsMode() throws Exception {
        assertEquals("rw-r--r--", CredentialPermissions.openToOthers(file("rw-r--r--")));
        assertEquals("rw-r-----", CredentialPermissions.openToOthers(file("rw-r-----")));
        assertEquals("rw----r--", CredentialPermissions.openToOthers(file("rw----r--")));
        assertEquals("rw--w----", CredentialPermissions.openToOthers(file("rw--w----")));
        assertEquals("rw-rw-rw-", CredentialPermissions.openToOthers(file("rw-rw-rw-")));
    }

    @Test
    void theCheckOnlyLooks() throws Exception {
        Path file = file("rw-r--r--");
        CredentialPermissions.openToOthers(file);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aLinkIsJudgedByTheFileItPointsAt() throws Exception {
        Path target = file("rw-r--r--");
        Path link = dir.resolve("link.json");
        try {
            Files.createSymbolicLink(link, target.getFileName());
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "no symbolic links here");
        }
        assertEquals("rw-r--r--", CredentialPermissions.openToOthers(link));
    }

    @Test
    void aMissingFileSaysNothing() {
        assertNull(CredentialPermissions.openToOthers(dir.resolve("absent.json")));
    }
}
