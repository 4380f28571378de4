package dev.widescan.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A unit that computes for longer than its lease keeps it: the worker renews the lease every third
 * of it, so the unit is neither claimed a second time nor counted as a second attempt.
 */
@QuarkusTest
@TestProfile(LeaseRenewalTest.ShortLease.class)
class LeaseRenewalTest {
  @Inject AgroalDataSource db;

  /** A 3-second lease, renewed every second. */
  public static class ShortLease implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("widescan.units.lease-seconds", "3");
    }
  }

  @Test
  void aUnitLongerThanItsLeaseIsComputedOnceOnItsFirstAttempt() throws SQLException {
    // Numerical tanh kernels at degree 60 on 400 + 400 examples: several seconds on two cores.
    long id =
        Sweeps.submit(
            """
            name: longer-than-its-lease
            dataset: {name: fashion-mnist, train: 400, test: 400}
            model: {activation: "tanh(deg=60)", depth: 2, W_std: 1.5, b_std: 0.1}
            kernel: {kinds: [nngp], diag_reg: [0.001], t: [inf]}
            """);
    JsonPath sweep = Sweeps.awaitFinished(id);
    assertEquals("done", sweep.getString("status"));
    try (Connection c = db.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT u.attempts, u.compute_seconds FROM work_unit u"
                    + " JOIN sweep_unit su ON su.unit_id = u.id WHERE su.sweep_id = ?")) {
      q.setLong(1, id);
      try (ResultSet rs = q.executeQuery()) {
        assertTrue(rs.next());
        double seconds = rs.getDouble(2);
        assertTrue(
            seconds > 3, "the unit computed for " + seconds + " s, longer than its 3 s lease");
        assertEquals(1, rs.getInt(1), "claimed once: the lease was renewed while it ran");
      }
    }
  }
}
