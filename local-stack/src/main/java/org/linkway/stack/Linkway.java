package org.linkway.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The commands of {@code ./linkway} that run the local stack: {@code up [--no-demo] [--instances N]
 * [--brokers M]}, {@code down},
 * {@code status}, {@code logs <part> [n]}, {@code token ...} and {@code kafka-client ...}; the
 * script builds what is missing and hands them here (its {@code usage} describes each).
 *
 * <p>Exit status: 0, 1 on a failure (said on stderr as {@code linkway: ...}), 2 for a command not
 * understood, 3 from {@code status} unless every part is UP.
 */
public final class Linkway {

  /** A command line not understood, and the exit status that says so (2: no such command; 1: its arguments). */
  static final class NotUnderstood extends IllegalArgumentException {
    final int status;

    NotUnderstood(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** A command and its arguments, as understood. */
  record Command(String name, List<String> args, boolean demo, StackSize size, Instance instance, int lines) {

    static Command parse(String... argv) {
      if (argv.length == 0) throw new NotUnderstood(2, "no command");
      String name = argv[0];
      List<String> args = List.of(argv).subList(1, argv.length);
      return switch (name) {
        case "up" -> {
          boolean demo = true;
          int instances = 1;
          int brokers = 1;
          for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
              case "--no-demo" -> demo = false;
              case "--instances", "--brokers" -> {
                if (i + 1 >= args.size() || !args.get(i + 1).matches("[0-9]{1,2}")) {
                  throw new NotUnderstood(1, "up: " + a + " takes a number, e.g. up --instances 2 --brokers 3");
                }
                int n = Integer.parseInt(args.get(++i));
                if (a.equals("--instances")) instances = n;
                else brokers = n;
              }
              default -> throw new NotUnderstood(1, "up: unknown option '" + a + "'");
            }
          }
          try {
            yield new Command(name, args, demo, new StackSize(instances, brokers), null, 0);
          } catch (IllegalArgumentException e) {
            throw new NotUnderstood(1, "up: " + e.getMessage());
          }
        }
        case "down", "status" -> {
          if (!args.isEmpty()) throw new NotUnderstood(1, name + ": takes no arguments");
          yield new Command(name, args, false, null, null, 0);
        }
        case "logs" -> {
          if (args.isEmpty()) throw new NotUnderstood(1, "logs: which part? (" + Part.labels() + ")");
          if (args.size() > 2 || (args.size() == 2 && !args.get(1).matches("[0-9]{1,7}"))) {
            throw new NotUnderstood(1, "logs: <part> [lines], e.g. logs referral-service 200");
          }
          Instance instance;
          try {
            instance = Instance.named(args.get(0));
          } catch (IllegalArgumentException e) {
            throw new NotUnderstood(1, e.getMessage());
          }
          yield new Command(name, args, false, null, instance, args.size() == 2 ? Integer.parseInt(args.get(1)) : 100);
        }
        case "token", "kafka-client" -> new Command(name, args, false, null, null, 0);
        default -> throw new NotUnderstood(2, "unknown command '" + name + "'");
      };
    }
  }

  private Linkway() {}

  public static void main(String[] argv) {
    System.exit(run(argv, System.out, System.err));
  }

  static int run(String[] argv, PrintStream out, PrintStream err) {
    Command command;
    try {
      command = Command.parse(argv);
    } catch (NotUnderstood e) {
      err.println("linkway: " + e.getMessage());
      return e.status;
    }
    LocalStack stack = LocalStack.here(out, err);
    try {
      return switch (command.name()) {
        case "up" -> up(stack.sized(command.size()), command.demo());
        case "down" -> {
          stack.lock();
          stack.down();
          yield 0;
        }
        case "status" -> stack.status() ? 0 : 3;
        case "logs" -> logs(stack, command.instance(), command.lines());
        case "token" -> token(stack, command.args(), out);
        default -> kafkaClient(stack, command.args());
      };
    } catch (LocalStack.Failure e) {
      if (e.getMessage() != null) err.println("linkway: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      err.println("linkway: " + e);
      return 1;
    }
  }

  static int up(LocalStack stack, boolean demo) throws Exception {
    Demo loader = null;
    if (demo) {
      loader = ServiceLoader.load(Demo.class).findFirst().orElseThrow(() -> new LocalStack.Failure(
          "no demo loader on the classpath (bench/target/classes): build bench, or ./linkway up --no-demo"));
    }
    stack.lock();
    stack.up();
    if (loader != null) loader.load(stack);
    printUrls(stack.launch(), stack.out());
    return 0;
  }

  static void printUrls(Launch launch, PrintStream out) {
    String h = Launch.HOST;
    out.print("""

        Linkway is up. Pages (sign in as a demo person: a GP practice, a provider, the commissioner):
          sign in           http://%1$s:8081/sign-in
          GP referrals      http://%1$s:8081/app/referrals
          provider inbox    http://%1$s:8082/app/inbox
          dashboard         http://%1$s:8083/app/dashboard
          API description   http://%1$s:808{1,2,3}/swagger-ui.html   (OpenAPI: /v3/api-docs)

        The API:
          referral-service  http://%1$s:8081   POST /referrals   GET /referrals/{id}   POST /referrals/{id}/cancel
          provider-service  http://%1$s:8082   GET /providers    GET /providers/{providerId}/referrals[/stream]
          outcome-service   http://%1$s:8083   GET /commissioners/QMM/contracts | /budget | /ledger | /summary | /outcomes/stream
          ready             http://%1$s:808{1,2,3}/actuator/health/readiness   (metrics, admin token: /actuator/prometheus)
          schema registry   %2$s   (Confluent-compatible API: %3$s)
          kafka             %4$s
          logs              ./linkway logs <part>   (.linkway/logs/)

        Try a referral, as the GP practice D82044 (every call but health and open data needs a token: ./linkway token):
          curl -s -XPOST http://%1$s:8081/referrals -H 'content-type: application/json' \\
            -H "Authorization: Bearer $(./linkway token gp --ods D82044)" -d '{"patient":{"nhsNumber":"9434765919","givenName":"Ada","familyName":"Lovelace","birthDate":"1950-12-10","postcode":"NR1 3SR"},"consent":true,"referrer":{"odsCode":"D82044"},"commissioner":"QMM","needs":["LONELINESS"]}'
        """.formatted(h, launch.registryApi(), launch.registryCompatApi(), launch.bootstrap()));
    if (launch.size().instances() > 1) {
      out.println();
      out.println("Each service runs " + launch.size().instances() + " instances; any of them answers any request:");
      for (Part service : Part.SERVICES) {
        out.printf("  %-17s %s%n", service.label(), String.join("  ",
            Instance.of(service, launch.size()).stream().map(launch::url).toList()));
      }
    }
  }

  /** The last lines of a part's log, followed (tail -F) when on a terminal. */
  static int logs(LocalStack stack, Instance instance, int lines) throws IOException, InterruptedException {
    Path log = stack.log(instance);
    if (!Files.exists(log)) throw new LocalStack.Failure("no log yet for " + instance.label() + " (" + log + ")");
    if (System.console() != null) {
      return new ProcessBuilder("tail", "-n", String.valueOf(lines), "-F", log.toString()).inheritIO().start().waitFor();
    }
    LocalStack.lastLines(log, lines).forEach(stack.out()::println);
    return 0;
  }

  /**
   * A signed token of the local issuer, alone on stdout. Its key is made on first use, so a token can
   * be printed before {@code up}; the services started by {@code up} trust it.
   */
  static int token(LocalStack stack, List<String> args, PrintStream out) throws IOException {
    LocalIssuer issuer = LocalIssuer.inDirectory(stack.launch().issuerDir(), stack.launch().url(Part.ISSUER));
    out.println(issuer.tokenFor(args.toArray(String[]::new)));
    return 0;
  }

  /** The settings of an outside party's Kafka principal, for trying the stack with any Kafka client. */
  static int kafkaClient(LocalStack stack, List<String> args) throws IOException, InterruptedException {
    if (!Files.exists(stack.launch().kafkaDir().resolve("credentials/referral-service.password"))) {
      throw new LocalStack.Failure("kafka-client: start the stack first (./linkway up)");
    }
    List<String> command = new ArrayList<>(stack.launch().kafkaClientSettings(args));
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }
}
