package io.tokenguard.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void writesWhatTheJdkWritesWithMillisecondsAlways() {
        long[] fixed = {0L, 1L, 999L, 1000L, 86_399_999L, 86_400_000L, 951_782_400_000L /* 2000-02-29 */,
            1_709_164_800_000L /* 2024-02-29 */, 1_798_761_599_999L /* 2026-12-31T23:59:59.999 */,
            253_402_300_799_999L /* 9999-12-31T23:59:59.999 */, System.currentTimeMillis()};
        for (long millis : fixed) {
            check(millis);
        }
        Random random = new Random(20261122);
        for (int i = 0; i < 200_000; i++) {
            check(Math.floorMod(random.nextLong(), 253_402_300_800_000L));
        }
    }

    private static void check(long millis) {
        assertEquals(ISO_MILLIS.format(Instant.ofEpochMilli(millis)),
                Timestamps.appendUtc(new StringBuilder(), millis).toString(), "at " + millis);
    }
}
