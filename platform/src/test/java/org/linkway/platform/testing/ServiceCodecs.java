package org.linkway.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Consumer;
import org.linkway.platform.web.ProblemHandler;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * For controller tests bound without Spring Boot ({@code WebTestClient.bindToController}): the
 * codecs as the services run with them. The JSON reader gets the {@code spring.jackson.deserialization.*}
 * and {@code spring.jackson.mapper.*} settings of {@code linkway-defaults.properties} and
 * {@link ProblemHandler}'s own rules, and the codecs read at most
 * {@code spring.http.codecs.max-in-memory-size}; so that a body the services would refuse is
 * refused in the test too, the same way.
 */
public final class ServiceCodecs {

  private static final String DESERIALIZATION = "spring.jackson.deserialization.";
  private static final String MAPPER = "spring.jackson.mapper.";
  private static final String MAX_IN_MEMORY = "spring.http.codecs.max-in-memory-size";

  private ServiceCodecs() {}

  /** For {@code WebTestClient.bindToController(...).httpMessageCodecs(ServiceCodecs.asTheServicesRun())}. */
  public static Consumer<ServerCodecConfigurer> asTheServicesRun() {
    Properties defaults = defaults();
    JsonMapper.Builder builder = JsonMapper.builder();
    defaults.stringPropertyNames().forEach(name -> {
      boolean on = Boolean.parseBoolean(defaults.getProperty(name).trim());
      if (name.startsWith(DESERIALIZATION)) {
        builder.configure(DeserializationFeature.valueOf(constant(name.substring(DESERIALIZATION.length()))), on);
      } else if (name.startsWith(MAPPER)) {
        builder.configure(MapperFeature.valueOf(constant(name.substring(MAPPER.length()))), on);
      }
    });
    new ProblemHandler().customize(builder);
    JsonMapper mapper = builder.build();
    int maxInMemory = (int) DataSize.parse(defaults.getProperty(MAX_IN_MEMORY, "256KB").trim()).toBytes();
    return codecs -> {
      codecs.defaultCodecs().maxInMemorySize(maxInMemory);
      JacksonJsonDecoder decoder = new JacksonJsonDecoder(mapper);
      decoder.setMaxInMemorySize(maxInMemory);
      codecs.defaultCodecs().jacksonJsonDecoder(decoder);
    };
  }

  /** fail-on-unknown-properties as FAIL_ON_UNKNOWN_PROPERTIES. */
  private static String constant(String kebab) {
    return kebab.trim().replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static Properties defaults() {
    Properties properties = new Properties();
    try (InputStream in = ServiceCodecs.class.getResourceAsStream("/linkway-defaults.properties")) {
      if (in == null) throw new IllegalStateException("linkway-defaults.properties is not on the classpath");
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }
}
