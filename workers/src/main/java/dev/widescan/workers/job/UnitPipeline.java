package dev.widescan.workers.job;

import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The widescan job: claim units → key by kernel → compute → record. Source and sink are arguments
 * so the same pipeline runs against Postgres in production and in tests.
 */
public final class UnitPipeline {
  public static final String JOB_NAME = "widescan-units";

  private UnitPipeline() {}

  public static void build(
      StreamExecutionEnvironment env,
      Source<WorkUnit, ?, ?> source,
      Function<DataStream<WorkUnit>, DataStream<UnitOutcome>> compute,
      Sink<UnitOutcome> sink) {
    DataStream<WorkUnit> units =
        env.fromSource(
                source,
                WatermarkStrategy.noWatermarks(),
                "claim units",
                TypeInformation.of(WorkUnit.class))
            .uid("claim-units");
    compute.apply(units).sinkTo(sink).name("record results").uid("record-results");
  }

  /** The production job against the team database. */
  public static void build(StreamExecutionEnvironment env, JobSettings settings) {
    // Each reader's units go to the compute subtask beside it (forward, no shuffle): no worker
    // keeps
    // kernels between units, so keying by kernel would only move units between machines.
    build(
        env,
        new UnitClaimSource(settings),
        units ->
            units
                .map(new ComputeUnits(settings))
                .name("compute units")
                .uid("compute-units")
                .returns(UnitOutcome.class),
        new ResultSink(settings));
  }
}
