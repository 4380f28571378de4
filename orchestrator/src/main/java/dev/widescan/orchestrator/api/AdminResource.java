package dev.widescan.orchestrator.api;

import dev.widescan.orchestrator.db.DatabaseBackup;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Backup and restore of the database and the artifact store. Accepted from this machine only
 * (loopback), and the file is a path on this machine: the service reads and writes it, so a backup
 * never travels over the network and a restore is never an upload.
 */
@Path("/api/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {
  private final DatabaseBackup backup;

  public AdminResource(DatabaseBackup backup) {
    this.backup = backup;
  }

  /**
   * Writes a backup (owner-only) to {@code file}, an absolute path on the service's machine; with
   * {@code artifacts=false} the artifact store is left out (copy it alongside yourself).
   */
  @POST
  @Path("backup")
  public Map<String, Object> backup(
      @QueryParam("file") String file,
      @QueryParam("artifacts") Boolean artifacts,
      @Context HttpServerRequest request)
      throws SQLException, IOException {
    requireLoopback(request);
    java.nio.file.Path target = absolute(file);
    java.nio.file.Path partial = target.resolveSibling(target.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    Files.createFile(
        partial,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    boolean withArtifacts = artifacts == null || artifacts;
    try (OutputStream out = Files.newOutputStream(partial)) {
      backup.backup(out, withArtifacts);
    } catch (SQLException | IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Files.move(
        partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("file", target.toString());
    out.put("bytes", Files.size(target));
    out.put("artifacts", withArtifacts);
    return out;
  }

  /**
   * Replaces the database (and adds the backup's artifacts to the store) with a backup; 409 while
   * units compute.
   */
  @POST
  @Path("restore")
  public Response restore(@QueryParam("file") String file, @Context HttpServerRequest request)
      throws SQLException, IOException {
    requireLoopback(request);
    java.nio.file.Path source = absolute(file);
    if (!Files.isRegularFile(source)) {
      throw new BadRequestException("no backup file at " + source);
    }
    try {
      return Response.ok(backup.restore(source)).build();
    } catch (DatabaseBackup.BusyException e) {
      return Response.status(Response.Status.CONFLICT)
          .entity(Map.of("error", e.getMessage()))
          .build();
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  private static java.nio.file.Path absolute(String file) {
    if (file == null || file.isBlank()) {
      throw new BadRequestException("file is required: an absolute path on the service's machine");
    }
    java.nio.file.Path p = java.nio.file.Path.of(file);
    if (!p.isAbsolute()) {
      throw new BadRequestException("file '" + file + "' is not an absolute path");
    }
    return p.normalize();
  }

  private static void requireLoopback(HttpServerRequest request) {
    String host = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    try {
      if (host != null && InetAddress.getByName(host).isLoopbackAddress()) {
        return;
      }
    } catch (IOException e) {
      // not an address: refused below
    }
    throw new ForbiddenException("admin commands are accepted from this machine only");
  }
}
