package dev.widescan.workers.finite;

import dev.widescan.workers.infer.Metrics;
import dev.widescan.workers.linalg.Matrix;

/**
 * Scores of predictions on a set of examples.
 *
 * @param loss the training loss's value on these examples ({@link Loss}, no weight-decay term)
 * @param mse (1/(m·k))·Σ (f − y)², as {@link Metrics#mse} (twice the MSE training loss)
 * @param accuracy fraction of rows whose largest output is at the label; NaN without labels
 */
public record Evaluation(double loss, double mse, double accuracy) {

  /** Scores {@code predictions} (m × k) against {@code examples}. */
  public static Evaluation of(Matrix predictions, Examples examples, Loss loss) {
    if (predictions.rows() != examples.size() || predictions.cols() != examples.y().cols()) {
      throw new IllegalArgumentException(
          "predictions are " + predictions.shape() + " but targets are " + examples.y().shape());
    }
    double value =
        loss.evaluate(
            predictions.data(),
            null,
            examples.y().data(),
            predictions.rows(),
            predictions.cols(),
            null);
    double accuracy =
        examples.labels() == null ? Double.NaN : Metrics.accuracy(predictions, examples.labels());
    return new Evaluation(value, Metrics.mse(predictions, examples.y()), accuracy);
  }
}
