package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Workers serve sweeps in turn: a small sweep submitted behind a large one is not kept waiting. */
@QuarkusTest
class FairClaimsTest {
  @Inject AgroalDataSource db;

  @Test
  void aSmallSweepSubmittedBehindALargeOneRunsBeforeTheLargeOneIsHalfDone() throws SQLException {
    // The first submission pays for reading the dataset; the two that count should not.
    Sweeps.awaitFinished(
        submit(
            "carol",
            """
            name: warm-up
            dataset: {name: fashion-mnist, train: 100, test: 50}
            model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
            finite: {width: 8, lr: 0.38, epochs: 1, batch_size: 50, seeds: 1}
            """));
    long large =
        submit(
            "alice",
            """
            name: large
            dataset: {name: fashion-mnist, train: 100, test: 50}
            model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
            finite: {width: [16, 32], lr: 0.37, epochs: 1, batch_size: 50, seeds: 68}
            """);
    long small =
        submit(
            "bob",
            """
            name: small
            dataset: {name: fashion-mnist, train: 100, test: 50}
            model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
            finite: {width: 8, lr: 0.37, epochs: 1, batch_size: 50, seeds: 2}
            """);
    Sweeps.awaitFinished(small);
    assertEquals(136L, number("SELECT count(*) FROM sweep_unit WHERE sweep_id = ?", large));
    // Units of the large sweep that started before the small sweep's last unit did.
    long ahead =
        number(
            """
            SELECT count(*) FROM work_unit u JOIN sweep_unit su ON su.unit_id = u.id
             WHERE su.sweep_id = ? AND u.started_at < (
                   SELECT max(w.started_at) FROM work_unit w JOIN sweep_unit s ON s.unit_id = w.id
                    WHERE s.sweep_id = %d)
            """
                .formatted(small),
            large);
    // Of those, the ones that started after the small sweep was submitted: the claims it waited
    // for.
    long overtaking =
        number(
            """
            SELECT count(*) FROM work_unit u JOIN sweep_unit su ON su.unit_id = u.id
             WHERE su.sweep_id = ? AND u.started_at > (SELECT created_at FROM sweep WHERE id = %d)
               AND u.started_at < (
                   SELECT max(w.started_at) FROM work_unit w JOIN sweep_unit s ON s.unit_id = w.id
                    WHERE s.sweep_id = %d)
            """
                .formatted(small, small),
            large);
    long waitedMillis =
        number(
            """
            SELECT (extract(epoch FROM min(u.started_at) - s.created_at) * 1000)::bigint
              FROM sweep s JOIN sweep_unit su ON su.sweep_id = s.id JOIN work_unit u ON u.id = su.unit_id
             WHERE s.id = ? GROUP BY s.created_at
            """,
            small);
    System.out.printf(
        "fair claims: %d of the large sweep's 136 units started before the small sweep's last, %d"
            + " of them after the small sweep was submitted; the small sweep's first unit started"
            + " %d ms after its submission%n",
        ahead, overtaking, waitedMillis);
    // Two readers hold at most two units each: one round of claims at most goes first.
    assertTrue(overtaking <= 4, overtaking + " of the large sweep's units overtook the small one");
    assertTrue(ahead < 68, ahead + " of the large sweep's units went first");
    Sweeps.awaitFinished(large);
  }

  private static long submit(String user, String spec) {
    return given()
        .contentType("application/yaml")
        .header("X-Widescan-User", user)
        .body(spec.getBytes(StandardCharsets.UTF_8))
        .post("/api/sweeps")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("id");
  }

  private long number(String sql, long parameter) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, parameter);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
