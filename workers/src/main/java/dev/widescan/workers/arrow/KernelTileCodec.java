package dev.widescan.workers.arrow;

import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.unit.KernelTile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One kernel tile as an Arrow IPC stream of one record batch, a row per row example of the tile.
 * Columns: {@code example} (int32: the row's index in its example set), {@code nngp} and {@code
 * ntk} (fixed_size_list&lt;float64&gt;[columns]: the row of K and of Θ). The schema's metadata says
 * which tile it is: {@code block} ({@code train_train} or {@code test_train}), {@code row_from},
 * {@code row_to}, {@code col_from}, {@code col_to}. A tile on the diagonal holds its whole
 * symmetric square.
 */
public final class KernelTileCodec {
  private KernelTileCodec() {}

  /** A tile and its NNGP and NTK blocks, each tile.rows() × tile.cols(). */
  public record TileKernels(KernelTile tile, Matrix nngp, Matrix ntk) {
    public TileKernels {
      for (Matrix m : List.of(nngp, ntk)) {
        if (m.rows() != tile.rows() || m.cols() != tile.cols()) {
          throw new IllegalArgumentException(
              "tile "
                  + tile
                  + " needs "
                  + tile.rows()
                  + "x"
                  + tile.cols()
                  + " blocks, got "
                  + m.shape());
        }
      }
    }
  }

  public static Schema schemaFor(KernelTile tile) {
    return new Schema(
        List.of(
            new Field("example", FieldType.notNullable(new ArrowType.Int(32, true)), null),
            MatrixColumn.field("nngp", tile.cols()),
            MatrixColumn.field("ntk", tile.cols())),
        Map.of(
            "block", tile.block().id(),
            "row_from", Integer.toString(tile.rowFrom()),
            "row_to", Integer.toString(tile.rowTo()),
            "col_from", Integer.toString(tile.colFrom()),
            "col_to", Integer.toString(tile.colTo())));
  }

  public static byte[] encode(TileKernels kernels) {
    KernelTile tile = kernels.tile();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schemaFor(tile), allocator);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
      writer.start();
      root.allocateNew();
      IntVector examples = (IntVector) root.getVector("example");
      for (int i = 0; i < tile.rows(); i++) {
        examples.setSafe(i, tile.rowFrom() + i);
      }
      MatrixColumn.write((FixedSizeListVector) root.getVector("nngp"), kernels.nngp());
      MatrixColumn.write((FixedSizeListVector) root.getVector("ntk"), kernels.ntk());
      root.setRowCount(tile.rows());
      writer.writeBatch();
      writer.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads back what {@link #encode} wrote. */
  public static TileKernels decode(byte[] stream) {
    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(stream), allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      KernelTile tile = tileOf(root.getSchema().getCustomMetadata());
      if (!reader.loadNextBatch() || root.getRowCount() != tile.rows()) {
        throw new IllegalArgumentException(
            "kernel tile " + tile + " has no batch of " + tile.rows() + " rows");
      }
      return new TileKernels(
          tile,
          MatrixColumn.read((FixedSizeListVector) root.getVector("nngp"), tile.rows()),
          MatrixColumn.read((FixedSizeListVector) root.getVector("ntk"), tile.rows()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "not an Arrow IPC stream of a kernel tile: " + e.getMessage(), e);
    }
  }

  private static KernelTile tileOf(Map<String, String> metadata) {
    try {
      return new KernelTile(
          KernelTile.Block.parse(metadata.get("block")),
          Integer.parseInt(metadata.get("row_from")),
          Integer.parseInt(metadata.get("row_to")),
          Integer.parseInt(metadata.get("col_from")),
          Integer.parseInt(metadata.get("col_to")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "an Arrow stream without a kernel tile's metadata (block, row_from, row_to, col_from,"
              + " col_to): "
              + metadata,
          e);
    }
  }
}
