package dev.widescan.workers.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SubsetAndTargetsTest {
  @Test
  void parsesAndPrintsSubsetRules() {
    assertEquals(Subset.FIRST, Subset.parse("first"));
    assertEquals(Subset.random(7), Subset.parse("random:seed=7"));
    assertEquals("stratified:seed=3", Subset.parse(" Stratified:seed=3 ").id());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Subset.parse("every-other"));
    assertEquals(
        "unknown subset rule 'every-other', expected first, random:seed=<s> or"
            + " stratified:seed=<s>",
        e.getMessage());
  }

  @Test
  void randomSubsetsOfOneSeedAreNestedDistinctAndDifferBySeedAndSplit() {
    int[] small = Subset.random(7).choose(Split.TRAIN, 50, 1000, null);
    int[] large = Subset.random(7).choose(Split.TRAIN, 100, 1000, null);
    assertArrayEquals(small, Arrays.copyOf(large, 50));
    assertEquals(100, Arrays.stream(large).distinct().filter(i -> i >= 0 && i < 1000).count());
    assertEquals(
        false, Arrays.equals(large, Subset.random(8).choose(Split.TRAIN, 100, 1000, null)));
    assertEquals(false, Arrays.equals(large, Subset.random(7).choose(Split.TEST, 100, 1000, null)));
  }

  @Test
  void stratifiedSubsetHasLargestRemainderProportionalQuotas() {
    // 10 labels, counts 5, 3, 2 → n = 4: exact 2, 1.2, 0.8 → floors 2, 1, 0; remainders give
    // class 2 (0.8) the last one
    int[] labels = {0, 0, 0, 0, 0, 1, 1, 1, 2, 2};
    int[] idx = Subset.stratified(11).choose(Split.TRAIN, 4, labels.length, labels);
    int[] counts = new int[3];
    for (int i : idx) {
      counts[labels[i]]++;
    }
    assertArrayEquals(new int[] {2, 1, 1}, counts);
    assertEquals(4, Arrays.stream(idx).distinct().count());
  }

  @Test
  void encodesOneHotCentredAndPlusMinusOneTargets() {
    int[] y = {2, 0};
    assertArrayEquals(new double[] {0, 0, 1, 1, 0, 0}, Targets.ONE_HOT.encode(y, 3).data());
    double t = 1.0 / 3;
    assertArrayEquals(
        new double[] {-t, -t, 1 - t, 1 - t, -t, -t}, Targets.CENTRED.encode(y, 3).data(), 1e-15);
    assertArrayEquals(
        new double[] {1, -1, -1}, Targets.PLUS_MINUS_ONE.encode(new int[] {1, 0, 0}, 2).data());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Targets.PLUS_MINUS_ONE.encode(y, 3));
    assertEquals(
        "targets plus-minus-one need exactly 2 classes, the data set has 3", e.getMessage());
    assertEquals(Targets.CENTRED, Targets.parse("centered"));
  }
}
