package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apicurio.registry.resolver.client.RegistryClientFacade;
import io.apicurio.registry.resolver.client.RegistryClientFacadeFactory;
import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.linkway.platform.testing.TestStack;
import org.linkway.replies.CommandReply;

/**
 * A service asks the registry each question whose answer cannot change once, whichever serde asks it. Against the
 * registry process: serdes of a record whose type nests the shared types (a reply can carry any service's state)
 * each write and read a record, as every store and topic of a service does first; the calls that reach the registry
 * are counted.
 */
class RegistryAnswersTest {

  private static final int SERDES = 10;

  private final AvroSerdes serdes =
      new AvroSerdes(new LinkwayKafkaProperties(TestStack.registry().apiUrl(), null, null, null, 0, null));

  /** The registry client the serdes make, counting the calls made through it, by method. */
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final RegistryClientFacade counted = counting(
      RegistryClientFacadeFactory.create(new SchemaResolverConfig(serdes.registryConfig())), calls);

  @Test
  void givenSerdesOfARecordNestingSharedTypes_whenEachWritesAndReadsItsFirstRecord_thenOnlyTheFirstAsksTheRegistry() {
    RegistryClientFacade remembered = new RegistryAnswers(counted);
    String topic = "answers-" + UUID.randomUUID();

    long first = writeAndRead(remembered, topic);
    long more = 0;
    for (int i = 1; i < SERDES; i++) more += writeAndRead(remembered, topic);

    // Apicurio's own client, each serde with its cache: every serde walks the nested types again
    long alone = writeAndRead(counted, "answers-alone-" + UUID.randomUUID());
    long aloneAgain = writeAndRead(counted, "answers-alone-" + UUID.randomUUID());
    System.out.printf("registry calls: the first serde %d, the %d after it %d; without remembering, a serde %d and %d%n",
        first, SERDES - 1, more, alone, aloneAgain);
    assertThat(first).as("the first serde's calls").isPositive();
    assertThat(more).as("the calls of the %d serdes after the first", SERDES - 1).isZero();
    assertThat(aloneAgain).as("without remembering, a second serde of the same record type").isPositive();
  }

  @Test
  void givenAQuestionWhoseAnswerCanChangeOrFailed_whenItIsAskedAgain_thenItIsAskedOfTheRegistryAgain() {
    RegistryClientFacade remembered = new RegistryAnswers(counted);
    String topic = "answers-latest-" + UUID.randomUUID();
    writeAndRead(remembered, topic);

    long before = total();
    remembered.getSchemaByGAV("default", topic + "-value", "branch=latest");
    remembered.getSchemaByGAV("default", topic + "-value", "branch=latest");
    remembered.getReferencesByGAV("default", topic + "-value", "branch=latest");
    remembered.getReferencesByGAV("default", topic + "-value", "branch=latest");
    assertThat(total() - before).as("the latest version's schema and references, each asked for twice").isEqualTo(4);

    before = total();
    assertThatThrownBy(() -> remembered.getSchemaByContentId(Long.MAX_VALUE)).isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> remembered.getSchemaByContentId(Long.MAX_VALUE)).isInstanceOf(RuntimeException.class);
    assertThat(total() - before).as("a schema that is not there, asked for twice").isEqualTo(2);

    before = total();
    String first = remembered.getSchemaByGAV("default", topic + "-value", "1");
    assertThat(remembered.getSchemaByGAV("default", topic + "-value", "1")).isEqualTo(first);
    assertThat(total() - before).as("version 1 asked for twice").isEqualTo(1);
  }

  /** A serializer and a deserializer on {@code registry} each write and read a reply; the registry calls they made. */
  private long writeAndRead(RegistryClientFacade registry, String topic) {
    long before = total();
    AvroKafkaSerializer<CommandReply> serializer = new AvroKafkaSerializer<>(registry);
    serializer.configure(serdes.registryConfig(), false);
    AvroKafkaDeserializer<CommandReply> deserializer = new AvroKafkaDeserializer<>(registry);
    deserializer.configure(serdes.registryConfig(), false);
    CommandReply reply = new CommandReply(UUID.randomUUID(), "refused for the test", null, false);
    assertThat(deserializer.deserialize(topic, serializer.serialize(topic, reply))).isEqualTo(reply);
    return total() - before;
  }

  private long total() {
    return calls.values().stream().mapToLong(AtomicLong::get).sum();
  }

  private static RegistryClientFacade counting(RegistryClientFacade registry, Map<String, AtomicLong> calls) {
    return (RegistryClientFacade) Proxy.newProxyInstance(RegistryClientFacade.class.getClassLoader(),
        new Class<?>[] {RegistryClientFacade.class}, (proxy, method, args) -> {
          if (!method.getName().equals("getClient")) {
            calls.computeIfAbsent(method.getName(), name -> new AtomicLong()).incrementAndGet();
          }
          try {
            return method.invoke(registry, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
