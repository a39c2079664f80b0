package dev.dreamina;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Cases}: the same cases every run, and a failure that says which case and how to rerun it. */
class CasesTest {
  @Test
  void theSameSeedGivesTheSameCases() {
    List<Integer> first = new ArrayList<>();
    List<Integer> second = new ArrayList<>();
    Cases.check("first", 20, random -> first.add(random.nextInt()));
    Cases.check("second", 20, random -> second.add(random.nextInt()));
    assertEquals(first, second);
    assertEquals(20, first.stream().distinct().count(), "each case has a seed of its own");
  }

  @Test
  void aFailureNamesTheCaseItsSeedAndHowToRerun() {
    int[] tried = new int[1];
    AssertionError e =
        assertThrows(AssertionError.class, () -> Cases.check("oddOnes", 10, random -> {
          if (tried[0]++ == 3) {
            throw new AssertionError("boom");
          }
        }));
    assertTrue(e.getMessage().startsWith("oddOnes failed on case 3 of 10 (case seed "), e.getMessage());
    assertTrue(e.getMessage().endsWith("rerun with -Ddreamina.seed=" + Cases.SEED + "): boom"), e.getMessage());
    assertEquals("boom", e.getCause().getMessage());
  }

  @Test
  void betweenStaysInItsBoundsAtTheEdgesOfInt() {
    Cases.check("between", 1000, random -> {
      int low = Cases.between(random, Integer.MIN_VALUE, -2);
      int high = Cases.between(random, -1, Integer.MAX_VALUE);
      assertTrue(low <= -2 && high >= -1, low + " " + high);
    });
  }
}
