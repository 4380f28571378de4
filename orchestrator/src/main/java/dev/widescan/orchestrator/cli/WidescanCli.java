package dev.widescan.orchestrator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The command-line client: talks to a running orchestrator over its REST API, so it works the same
 * against the embedded default and a team server. Packaged on its own as {@code
 * orchestrator/target/widescan-cli.jar} (picocli and these classes only), so it starts in a blink
 * and never starts a server or a database.
 */
@Command(
    name = "widescan",
    mixinStandardHelpOptions = true,
    description = "Submit and follow widescan sweeps on a running orchestrator.",
    subcommands = {
      WidescanCli.Submit.class,
      WidescanCli.ListSweeps.class,
      WidescanCli.Status.class,
      WidescanCli.Results.class,
      WidescanCli.Steer.class,
      WidescanCli.DatasetsCommand.class,
      WidescanCli.Admin.class,
      CommandLine.HelpCommand.class
    })
public final class WidescanCli {
  @Option(
      names = "--server",
      defaultValue = "${env:WIDESCAN_SERVER:-http://localhost:8080}",
      description = "Orchestrator base URL (default: $WIDESCAN_SERVER or ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--user", description = "Name recorded as the submitter (default: your login).")
  String user = System.getProperty("user.name", "anonymous");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String... args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs a command and returns its exit code: 0 ok, 1 the server said no, 2 usage, 3 unreachable.
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new WidescanCli());
    cli.setOut(out).setErr(err);
    return cli.execute(args);
  }

  /** Sends the request; the answer goes to the command's output, or to its error stream. */
  int call(CommandLine.Model.CommandSpec command, HttpRequest.Builder request) {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      (response.statusCode() < 300 ? out : err).println(response.body());
      return response.statusCode() < 300 ? 0 : 1;
    } catch (IOException e) {
      err.println(
          "can't reach the orchestrator at "
              + server
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return 3;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 3;
    }
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(server.replaceAll("/+$", "") + path))
        .timeout(Duration.ofMinutes(2));
  }

  @Command(
      name = "submit",
      description = "Submit a sweep spec (YAML or JSON); prints the new sweep.")
  static final class Submit implements Callable<Integer> {
    @ParentCommand WidescanCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SPEC", description = "The spec file, e.g. examples/quickstart.yaml.")
    Path file;

    @Override
    public Integer call() throws IOException {
      if (!Files.isRegularFile(file)) {
        spec.commandLine().getErr().println("no spec file at " + file.toAbsolutePath());
        return 2;
      }
      String type =
          file.getFileName().toString().endsWith(".json") ? "application/json" : "application/yaml";
      return cli.call(
          spec,
          cli.request("/api/sweeps")
              .header("Content-Type", type)
              .header("X-Widescan-User", cli.user)
              .POST(HttpRequest.BodyPublishers.ofFile(file)));
    }
  }

  @Command(name = "list", description = "List sweeps with their status and unit counts.")
  static final class ListSweeps implements Callable<Integer> {
    @ParentCommand WidescanCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return cli.call(spec, cli.request("/api/sweeps").GET());
    }
  }

  @Command(
      name = "status",
      description = "One sweep: status, unit counts, failures with their reasons.")
  static final class Status implements Callable<Integer> {
    @ParentCommand WidescanCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      return cli.call(spec, cli.request("/api/sweeps/" + id).GET());
    }
  }

  @Command(name = "results", description = "A sweep's results as JSON or CSV.")
  static final class Results implements Callable<Integer> {
    @ParentCommand WidescanCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID")
    long id;

    @Option(
        names = "--format",
        defaultValue = "csv",
        description = "csv or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
      return cli.call(spec, cli.request("/api/sweeps/" + id + "/results?format=" + format).GET());
    }
  }

  @Command(name = "steer", description = "cancel, resume, or retry (the failed units of) a sweep.")
  static final class Steer implements Callable<Integer> {
    @ParentCommand WidescanCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ACTION", description = "cancel, resume or retry")
    String action;

    @Parameters(index = "1", paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      if (!java.util.List.of("cancel", "resume", "retry").contains(action)) {
        spec.commandLine()
            .getErr()
            .println("action '" + action + "' is not one of cancel, resume, retry");
        return 2;
      }
      return cli.call(
          spec,
          cli.request("/api/sweeps/" + id + "/" + action)
              .POST(HttpRequest.BodyPublishers.noBody()));
    }
  }

  @Command(
      name = "datasets",
      description = "The datasets the orchestrator's workers can read, with sizes and shapes.")
  static final class DatasetsCommand implements Callable<Integer> {
    @ParentCommand WidescanCli cli;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return cli.call(spec, cli.request("/api/datasets").GET());
    }
  }

  @Command(
      name = "admin",
      description =
          "Back up or restore the orchestrator's database and artifact store (run on the"
              + " orchestrator's machine: FILE is read and written by the service).",
      subcommands = {WidescanCli.Backup.class, WidescanCli.Restore.class})
  static final class Admin {
    @ParentCommand WidescanCli cli;
  }

  @Command(
      name = "backup",
      description =
          "Write a backup (database and artifacts, one zip file, owner-only) to FILE; a running"
              + " service keeps working meanwhile.")
  static final class Backup implements Callable<Integer> {
    @ParentCommand Admin admin;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(
        names = "--no-artifacts",
        description = "Leave the artifact store out (copy its directory alongside yourself).")
    boolean noArtifacts;

    @Override
    public Integer call() {
      return admin.cli.call(
          spec,
          admin
              .cli
              .request(
                  "/api/admin/backup?file="
                      + encode(file.toAbsolutePath().normalize().toString())
                      + (noArtifacts ? "&artifacts=false" : ""))
              .timeout(Duration.ofHours(6))
              .POST(HttpRequest.BodyPublishers.noBody()));
    }
  }

  @Command(
      name = "restore",
      description =
          "Replace the database with the backup in FILE and put its artifacts back; refused while"
              + " units compute.")
  static final class Restore implements Callable<Integer> {
    @ParentCommand Admin admin;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
      if (!Files.isRegularFile(file)) {
        spec.commandLine().getErr().println("no backup file at " + file.toAbsolutePath());
        return 2;
      }
      return admin.cli.call(
          spec,
          admin
              .cli
              .request(
                  "/api/admin/restore?file=" + encode(file.toAbsolutePath().normalize().toString()))
              .timeout(Duration.ofHours(6))
              .POST(HttpRequest.BodyPublishers.noBody()));
    }
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
