package org.linkway.platform.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.linkway.platform.security.Caller;
import org.linkway.platform.security.LiveStreams;
import org.springdoc.core.customizers.OpenApiCustomizer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every service's API description shares (springdoc serves it at {@code /v3/api-docs}, and as a
 * page at {@code /swagger-ui.html}, without a token): the bearer token every operation asks for, and
 * a way to give the main operations a summary and examples of their request bodies without
 * annotating the controllers.
 */
public final class ApiDescriptions {

  /** The name of the security scheme in {@code components.securitySchemes}. */
  public static final String BEARER = "bearer";

  /** Examples are JSON text; read into maps and lists so that springdoc writes them as JSON, 75.00 as 75.00. */
  private static final JsonMapper EXAMPLES = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private static final String TOKENS = """
      A JWT from the Linkway issuer, verified against its keys. Its claim `%s` is the caller's role: \
      `gp`, `provider`, `commissioner` or `admin`; the organisation it acts for is `%s` (a GP practice's \
      ODS code such as D82044, or an ICB's such as QMM) or `%s` (a provider's directory id); an admin's \
      names none. What a role may do, and for whom, is checked on every request: 401 without a valid \
      token, 403 for what is someone else's. Locally, `./linkway token gp --ods D82044` (or `provider \
      --id <providerId>`, `commissioner --ods QMM`, `admin`) prints one. A live stream (SSE) ends when       the token that opened it expires; a caller holds at most `%s` streams at once (%d unless set),       and one more answers 429.""".formatted(
      Caller.ROLE_CLAIM, Caller.ODS_CLAIM, Caller.PROVIDER_CLAIM, LiveStreams.PER_CALLER, LiveStreams.DEFAULT_PER_CALLER);

  private ApiDescriptions() {}

  /** One operation described: its summary and the examples of its JSON request body (none for a body-less one). */
  public record Described(PathItem.HttpMethod method, String path, String summary, List<BodyExample> examples) {}

  /** An example request body: its name in {@code examples}, a line saying what it shows, and the JSON. */
  public record BodyExample(String name, String summary, String json) {}

  public static Described post(String path, String summary, BodyExample... examples) {
    return new Described(PathItem.HttpMethod.POST, path, summary, List.of(examples));
  }

  public static Described put(String path, String summary, BodyExample... examples) {
    return new Described(PathItem.HttpMethod.PUT, path, summary, List.of(examples));
  }

  public static BodyExample example(String name, String summary, String json) {
    return new BodyExample(name, summary, json);
  }

  /**
   * A service's description: its title, what it does in plain words, and the bearer token that every
   * operation asks for (an operation open to anyone says so, see {@link #openToAnyone}). The
   * version is the service jar's, "development" when run from classes.
   */
  public static OpenAPI describe(Class<?> application, String title, String whatItDoes) {
    String version = Optional.ofNullable(application.getPackage().getImplementationVersion()).orElse("development");
    return new OpenAPI()
        .info(new Info().title(title).version(version).description(whatItDoes))
        .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
            .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT").description(TOKENS)))
        .addSecurityItem(new SecurityRequirement().addList(BEARER));
  }

  /**
   * Sets each operation's summary and request-body examples once springdoc has read the controllers.
   * An operation that is not there is a mistake here, and fails the description rather than being
   * left out.
   */
  public static OpenApiCustomizer operations(Described... described) {
    return openApi -> {
      for (Described d : described) {
        Operation operation = Optional.ofNullable(openApi.getPaths()).map(paths -> paths.get(d.path()))
            .map(item -> item.readOperationsMap().get(d.method()))
            .orElseThrow(() -> new IllegalStateException("no operation " + d.method() + " " + d.path() + " to describe"));
        operation.setSummary(d.summary());
        if (d.examples().isEmpty()) continue;
        RequestBody body = Optional.ofNullable(operation.getRequestBody()).orElseGet(RequestBody::new);
        Content content = Optional.ofNullable(body.getContent()).orElseGet(Content::new);
        if (content.isEmpty()) content.addMediaType(org.springframework.http.MediaType.APPLICATION_JSON_VALUE, new MediaType());
        for (MediaType mediaType : content.values()) {
          LinkedHashMap<String, Example> examples = new LinkedHashMap<>();
          d.examples().forEach(e -> examples.put(e.name(), new Example().summary(e.summary()).value(parse(e.json()))));
          mediaType.setExamples(examples);
        }
        operation.setRequestBody(body.content(content));
      }
    };
  }

  /** Every operation's request header {@code name} (springdoc lists it from the controller) gets {@code description}. */
  public static OpenApiCustomizer header(String name, String description) {
    return openApi -> Optional.ofNullable(openApi.getPaths()).ifPresent(paths -> paths.values().forEach(item ->
        item.readOperations().forEach(operation -> Optional.ofNullable(operation.getParameters()).orElse(List.of()).stream()
            .filter(parameter -> "header".equals(parameter.getIn()) && name.equalsIgnoreCase(parameter.getName()))
            .forEach(parameter -> parameter.description(description)))));
  }

  /** Operations under a path prefix ask for no token (their security is the empty list). */
  public static OpenApiCustomizer openToAnyone(String pathPrefix) {
    return openApi -> Optional.ofNullable(openApi.getPaths()).ifPresent(paths -> paths.forEach((path, item) -> {
      if (path.startsWith(pathPrefix)) item.readOperations().forEach(operation -> operation.setSecurity(List.of()));
    }));
  }

  private static Object parse(String json) {
    return EXAMPLES.readValue(json, Object.class);
  }
}
