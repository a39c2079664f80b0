package dev.dreamina.internal.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OkHttpVersionTest {
  @Test
  void fourTwelveAndNewerPassOlderFail() {
    for (String ok : new String[] {"4.12.0", "4.12.1", "5.0.0-alpha.14", "5.5.1", "6.0.0", "garbage"}) {
      assertTrue(OkHttpVersion.atLeast(ok, 4, 12), ok);
    }
    for (String old : new String[] {"4.11.0", "4.9.3", "3.14.9"}) {
      assertFalse(OkHttpVersion.atLeast(old, 4, 12), old);
    }
  }

  @Test
  void theLoadedVersionIsReadAtRunTimeAndPasses() {
    assertTrue(OkHttpVersion.loaded().matches("\\d+\\.\\d+\\.\\d+.*"), OkHttpVersion.loaded());
    OkHttpVersion.check(); // the test class path's OkHttp 5
  }
}
