package org.linkway.stack;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stack's identity provider: one RSA signing key, kept in a file, whose public half is
 * served as a JWKS for the services to verify tokens with, and which signs tokens for the four
 * roles. Production points the services at a real issuer instead; nothing here runs there.
 *
 * <p>A token's claims: {@code aud} ({@link #AUDIENCE}), {@code linkway_role} ({@code gp},
 * {@code provider}, {@code commissioner}, {@code admin}), and the organisation it acts for:
 * {@code ods} (a GP practice's or an ICB's ODS code) or {@code provider_id}.
 *
 * <p>Usage: {@code LocalIssuer serve <dir> <port>} serves {@code /.well-known/jwks.json};
 * {@code LocalIssuer token <dir> gp --ods D82044} (or {@code provider --id <providerId>},
 * {@code commissioner --ods QMM}, {@code admin}) prints a signed token, alone, on stdout, valid for
 * 12 hours or, with {@code --expires-in SECONDS}, for that long (to see a live stream end at expiry);
 * {@code LocalIssuer tokens <dir> gp:D82044 provider:<id> admin} prints one {@code label token} line each.
 * The server also answers the pages' demo sign-in ({@link #SIGN_IN_PATH}).
 */
public final class LocalIssuer {

  public static final String JWKS_PATH = "/.well-known/jwks.json";
  public static final String ROLE_CLAIM = "linkway_role";
  public static final String ODS_CLAIM = "ods";
  public static final String PROVIDER_CLAIM = "provider_id";
  /**
   * Who the tokens are for ({@code aud}): the services take a token only for their audience
   * ({@code linkway.security.audience}, whose default is this).
   */
  public static final String AUDIENCE = "linkway";
  static final Duration LOCAL_TOKEN_LIFETIME = Duration.ofHours(12);
  /**
   * The demo sign-in of the local stack's pages: a service posts {@code role} and {@code organisation}
   * (form-encoded) and gets a token for that party. It exists only here, on loopback: a real issuer
   * signs people in with OpenID Connect.
   */
  public static final String SIGN_IN_PATH = "/sign-in/token";
  static final Duration SIGN_IN_LIFETIME = Duration.ofHours(8);

  private final RSAKey signingKey;
  private final String issuer;

  private LocalIssuer(RSAKey signingKey, String issuer) {
    this.signingKey = signingKey;
    this.issuer = issuer;
  }

  /** An issuer with a fresh key that lives only as long as this object (for tests). */
  public static LocalIssuer ephemeral(String issuer) {
    return new LocalIssuer(generate(), issuer);
  }

  /** The issuer whose key is kept in {@code dir/signing-key.json}, created (readable by the owner only) on first use. */
  public static LocalIssuer inDirectory(Path dir, String issuer) throws IOException {
    Path file = dir.resolve("signing-key.json");
    if (!Files.exists(file)) PrivateFiles.write(file, generate().toJSONString());
    try {
      return new LocalIssuer(RSAKey.parse(Files.readString(file)), issuer);
    } catch (ParseException e) {
      throw new IOException("unreadable signing key " + file + ": " + e.getMessage(), e);
    }
  }

  /** The public keys, as the services fetch them. */
  public String jwks() {
    return new JWKSet(signingKey.toPublicJWK()).toString();
  }

  public String gp(String practiceOds) {
    return token("gp", ODS_CLAIM, practiceOds);
  }

  public String provider(String providerId) {
    return token("provider", PROVIDER_CLAIM, providerId);
  }

  public String commissioner(String icbOds) {
    return token("commissioner", ODS_CLAIM, icbOds);
  }

  public String admin() {
    return token("admin", null, null);
  }

  /** A signed token for a role acting for one organisation (none for an admin). */
  public String token(String role, String organisationClaim, String organisation) {
    return sign(role, organisationClaim, organisation, LOCAL_TOKEN_LIFETIME);
  }

  /** A token that expires after {@code lifetime}: a live stream opened with it ends then. */
  public String token(String role, String organisationClaim, String organisation, Duration lifetime) {
    return sign(role, organisationClaim, organisation, lifetime);
  }

  private final Map<String, String> ownerTokens = new ConcurrentHashMap<>();
  private static final Pattern PROVIDER_PATH = Pattern.compile("^/providers/(?!import$)([^/?]+)/.*");
  private static final Pattern COMMISSIONER_PATH = Pattern.compile("^/commissioners/([^/?]+)([/?].*)?$");
  private static final Pattern REFERRER_PATH = Pattern.compile("^/referrers/([^/?]+)/.*");

  /**
   * For load generators and journey tests that play every party: the token of whoever owns what a
   * path addresses (a provider's queue: that provider; a commissioner's ledger: that commissioner; a
   * referral: the practice given), the admin for the rest, none for open data and health. Each
   * token is signed once and reused.
   */
  public String ownerOf(String path, String practice) {
    Matcher m;
    if ((m = PROVIDER_PATH.matcher(path)).matches()) return cached("provider", PROVIDER_CLAIM, m.group(1));
    if ((m = COMMISSIONER_PATH.matcher(path)).matches()) return cached("commissioner", ODS_CLAIM, m.group(1));
    if ((m = REFERRER_PATH.matcher(path)).matches()) return cached("gp", ODS_CLAIM, m.group(1));
    if (path.startsWith("/referrals") || path.startsWith("/fhir/")) return cached("gp", ODS_CLAIM, practice);
    if (path.startsWith("/open-data/") || path.startsWith("/actuator/health")) return null;
    return cached("admin", null, null);
  }

  private String cached(String role, String organisationClaim, String organisation) {
    return ownerTokens.computeIfAbsent(role + ":" + organisation, label -> token(role, organisationClaim, organisation));
  }

  /** A token that expired a minute ago, for tests of the refusal. */
  public String expired(String role, String organisationClaim, String organisation) {
    return sign(role, organisationClaim, organisation, Duration.ofMinutes(-1));
  }

  /** A token as {@link #token} signs it, but for another audience (none when null), for tests of the refusal. */
  public String forAudience(String audience, String role, String organisationClaim, String organisation) {
    return sign(audience, role, organisationClaim, organisation, LOCAL_TOKEN_LIFETIME);
  }

  private String sign(String role, String organisationClaim, String organisation, Duration lifetime) {
    return sign(AUDIENCE, role, organisationClaim, organisation, lifetime);
  }

  private String sign(String audience, String role, String organisationClaim, String organisation, Duration lifetime) {
    Instant now = Instant.now();
    String subject = role + (organisation == null ? "" : ":" + organisation);
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject(subject)
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(now.isBefore(now.plus(lifetime)) ? now : now.plus(lifetime).minusSeconds(60)))
        .expirationTime(Date.from(now.plus(lifetime)))
        .claim(ROLE_CLAIM, role);
    if (organisationClaim != null) claims.claim(organisationClaim, organisation);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID())
        .type(JOSEObjectType.JWT).build(), claims.build());
    try {
      jwt.sign(new RSASSASigner(signingKey));
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a token", e);
    }
    return jwt.serialize();
  }

  /** Serves the JWKS on loopback; stop the returned server to free the port. */
  public HttpServer serve(String host, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    byte[] body = jwks().getBytes(StandardCharsets.UTF_8);
    server.createContext(JWKS_PATH, exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
      // not kept alive: this server closes an idle connection after a while, and a service's pooled client
      // that later sent its next key fetch on it got no answer (a first request of a service hung 30 s)
      exchange.getResponseHeaders().set("Connection", "close");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.createContext(SIGN_IN_PATH, exchange -> {
      byte[] answer;
      int status;
      String type = "text/plain; charset=utf-8";
      if (!"POST".equals(exchange.getRequestMethod())) {
        status = 405;
        answer = "POST role=<gp|provider|commissioner|admin>&organisation=<code or id>".getBytes(StandardCharsets.UTF_8);
      } else {
        Map<String, String> form = form(new String(exchange.getRequestBody().readNBytes(4096), StandardCharsets.UTF_8));
        String role = form.getOrDefault("role", "");
        String organisation = form.getOrDefault("organisation", "").strip();
        String claim = switch (role) {
          case "gp", "commissioner" -> ODS_CLAIM;
          case "provider" -> PROVIDER_CLAIM;
          case "admin" -> null;
          default -> "";
        };
        if ("".equals(claim) || (claim != null && !organisation.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))) {
          status = 400;
          answer = ("unknown role or organisation: role must be gp, provider, commissioner or admin, and the "
              + "organisation a code or id of letters, digits, '.', '_' or '-'").getBytes(StandardCharsets.UTF_8);
        } else {
          status = 200;
          type = "application/jwt";
          answer = sign(role, claim, claim == null ? null : organisation, SIGN_IN_LIFETIME).getBytes(StandardCharsets.UTF_8);
        }
      }
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.createContext("/health", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    return server;
  }

  private static Map<String, String> form(String body) {
    Map<String, String> fields = new java.util.HashMap<>();
    for (String pair : body.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        fields.put(java.net.URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return fields;
  }

  private static RSAKey generate() {
    try {
      return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("could not generate a signing key", e);
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2) usage();
    Path dir = Path.of(args[1]);
    String host = "127.0.0.1";
    switch (args[0]) {
      case "serve" -> {
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 8089;
        LocalIssuer issuer = inDirectory(dir, "http://" + host + ":" + port);
        issuer.serve(host, port);
        System.out.println("local token issuer: http://" + host + ":" + port + JWKS_PATH);
      }
      case "token" -> {
        int port = Integer.getInteger("linkway.issuer.port", 8089);
        LocalIssuer issuer = inDirectory(dir, "http://" + host + ":" + port);
        System.out.println(issuer.tokenFor(java.util.Arrays.copyOfRange(args, 2, args.length)));
      }
      case "tokens" -> {
        // several at once, "label token" a line, for scripts: gp:D82044 provider:<id> commissioner:QMM admin
        int port = Integer.getInteger("linkway.issuer.port", 8089);
        LocalIssuer issuer = inDirectory(dir, "http://" + host + ":" + port);
        for (int i = 2; i < args.length; i++) {
          String[] label = args[i].split(":", 2);
          String[] words = label.length == 1 ? new String[] {label[0]}
              : new String[] {label[0], "provider".equals(label[0]) ? "--id" : "--ods", label[1]};
          System.out.println(args[i] + " " + issuer.tokenFor(words));
        }
      }
      default -> usage();
    }
  }

  /**
   * {@code gp --ods D82044}, {@code provider --id P}, {@code commissioner --ods QMM}, {@code admin}; each
   * may end with {@code --expires-in SECONDS} (a positive whole number) for a shorter (or longer) token.
   */
  String tokenFor(String... words) {
    Duration lifetime = LOCAL_TOKEN_LIFETIME;
    int expiresIn = java.util.Arrays.asList(words).indexOf("--expires-in");
    if (expiresIn >= 0) {
      String seconds = expiresIn + 1 < words.length ? words[expiresIn + 1] : "";
      if (!seconds.matches("[1-9][0-9]{0,8}")) {
        System.err.println("--expires-in takes the token's lifetime in seconds, a whole number from 1: --expires-in 30");
        System.exit(2);
      }
      lifetime = Duration.ofSeconds(Long.parseLong(seconds));
      String[] rest = new String[words.length - 2];
      System.arraycopy(words, 0, rest, 0, expiresIn);
      System.arraycopy(words, expiresIn + 2, rest, expiresIn, words.length - expiresIn - 2);
      words = rest;
    }
    if (words.length == 0) usage();
    String role = words[0].toLowerCase(Locale.ROOT);
    String value = words.length >= 3 ? words[2] : null;
    String option = words.length >= 2 ? words[1] : null;
    return switch (role) {
      case "gp" -> token("gp", ODS_CLAIM,
          required(option, "--ods", value, "a GP system acts for its practice: gp --ods D82044"), lifetime);
      case "provider" -> token("provider", PROVIDER_CLAIM,
          required(option, "--id", value, "a provider acts for itself: provider --id <providerId>"), lifetime);
      case "commissioner" -> token("commissioner", ODS_CLAIM,
          required(option, "--ods", value, "a commissioner acts for its ICB: commissioner --ods QMM"), lifetime);
      case "admin" -> token("admin", null, null, lifetime);
      default -> {
        usage();
        yield null;
      }
    };
  }

  private static String required(String option, String expected, String value, String hint) {
    if (!expected.equals(option) || value == null || value.isBlank()) {
      System.err.println(hint);
      System.exit(2);
    }
    return value;
  }

  private static void usage() {
    System.err.println("usage: LocalIssuer serve <dir> [port] | LocalIssuer token <dir> "
        + "(gp --ods <practice> | provider --id <providerId> | commissioner --ods <icb> | admin) [--expires-in SECONDS]");
    System.exit(2);
  }
}
