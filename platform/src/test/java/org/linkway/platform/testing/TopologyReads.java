package org.linkway.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyDescription;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.KafkaAccess;
import org.linkway.platform.kafka.Topic;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.RetentionSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * The topics a service reads through Kafka Streams, found as Spring would find its configuration, without
 * Spring: every {@code @Configuration} class in the application's package and those they import; each
 * {@code @Bean} method that takes a {@link StreamsBuilder} is called on one builder (its other arguments
 * mocks, or the values given). The topics are then read off {@code topology.describe()}: every subtopology's
 * sources, every global store's source (the reference data every instance holds: directory, contracts,
 * budgets, person keys, erasures).
 */
public final class TopologyReads {

  private TopologyReads() {}

  /** The names of the topics read by the topologies of the application {@code application}. */
  public static Set<String> of(Class<?> application, Map<Class<?>, Object> given) {
    StreamsBuilder builder = new StreamsBuilder();
    for (Class<?> configuration : configurations(application)) {
      for (Method method : configuration.getDeclaredMethods()) {
        if (method.isAnnotationPresent(Bean.class) && Arrays.asList(method.getParameterTypes()).contains(StreamsBuilder.class)) {
          call(configuration, method, builder, given);
        }
      }
    }
    return sources(builder.build().describe());
  }

  /**
   * Checks {@link KafkaAccess#reads}: a service may read exactly the platform's topics its topologies read, and the topics it tails outside Kafka Streams ({@code tails}: its replies, its live streams) are its own or
   * among those. The GP systems' and commissioners' own topics (not in {@link Topics#all()}) are granted by name.
   */
  public static void assertKafkaAccessReads(Class<?> application, String service, Map<Class<?>, Object> given,
      Topic<?>... tails) {
    Set<String> platformTopics = Topics.all().stream().map(Topic::name).collect(Collectors.toSet());
    Set<String> read = of(application, given).stream().filter(platformTopics::contains).collect(Collectors.toSet());
    assertThat(KafkaAccess.reads(service).stream().map(Topic::name))
        .as("KafkaAccess.READS of %s: the topics its topologies read", service)
        .containsExactlyInAnyOrderElementsOf(read);
    for (Topic<?> tail : tails) {
      assertThat(service.equals(tail.writer()) || KafkaAccess.reads(service).contains(tail))
          .as("%s may read %s, which it tails", service, tail.name()).isTrue();
    }
  }

  /** Every topic a topology reads: its subtopologies' sources and its global stores' sources. */
  public static Set<String> sources(TopologyDescription description) {
    Set<String> topics = new TreeSet<>();
    for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
      for (TopologyDescription.Node node : subtopology.nodes()) {
        if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
          topics.addAll(source.topicSet());
        }
      }
    }
    for (TopologyDescription.GlobalStore store : description.globalStores()) {
      topics.addAll(store.source().topicSet());
    }
    return topics;
  }

  private static Set<Class<?>> configurations(Class<?> application) {
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(Configuration.class));
    Deque<Class<?>> pending = new ArrayDeque<>();
    pending.add(application);
    scanner.findCandidateComponents(application.getPackageName())
        .forEach(candidate -> pending.add(load(candidate.getBeanClassName())));
    Set<Class<?>> found = new LinkedHashSet<>();
    while (!pending.isEmpty()) {
      Class<?> next = pending.pop();
      if (!found.add(next)) continue;
      Import imports = next.getAnnotation(Import.class);
      if (imports != null) pending.addAll(Arrays.asList(imports.value()));
      for (Class<?> nested : next.getDeclaredClasses()) {
        if (nested.isAnnotationPresent(Configuration.class)) pending.add(nested);
      }
    }
    return found;
  }

  private static void call(Class<?> configuration, Method method, StreamsBuilder builder, Map<Class<?>, Object> given) {
    Object[] arguments = new Object[method.getParameterCount()];
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < arguments.length; i++) {
      arguments[i] = argument(types[i], builder, given);
    }
    try {
      method.setAccessible(true);
      Object target = null;
      if (!Modifier.isStatic(method.getModifiers())) {
        var constructor = configuration.getDeclaredConstructor();
        constructor.setAccessible(true);
        target = constructor.newInstance();
      }
      method.invoke(target, arguments);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not call " + configuration.getSimpleName() + "." + method.getName(), e);
    }
  }

  private static Object argument(Class<?> type, StreamsBuilder builder, Map<Class<?>, Object> given) {
    if (type == StreamsBuilder.class) return builder;
    if (type == AvroSerdes.class) return given.getOrDefault(AvroSerdes.class, SelfDescribingAvro.serdes());
    if (given.containsKey(type)) return given.get(type);
    if (type == Duration.class) return Duration.ofSeconds(1);
    if (type == RetentionSettings.class) return RetentionSettings.defaults();
    if (type == String.class) return "test";
    if (type == int.class) return 1;
    if (type == long.class) return 1L;
    if (type == boolean.class) return false;
    return mock(type);
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
