// A commissioner's own Kafka client, as an ICB would write one in JavaScript: KafkaJS logged in with the
// commissioner's principal (SASL/SCRAM-SHA-256), values decoded by Confluent's own Avro deserializer
// (@confluentinc/schemaregistry) through the registry's Confluent-compatible API.
//
// node decode.mjs '<json>' with {brokers, username, password, registryUrl, groupId, topics, expect, timeoutMs}:
// reads the topics from the start (committed records only) until every referral id of expect[topic] has been
// seen on that topic, printing one JSON line per record ({"topic", "key", "value"}) and then {"done": true}.
// A broker's refusal is printed as {"refused": topic, "error": type} and ends the run with status 3; a record
// that cannot be decoded ends it with status 2; the time running out with status 1.
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistryClient, AvroDeserializer, SerdeType } from '@confluentinc/schemaregistry';

const options = JSON.parse(process.argv[2]);
const print = (line) => process.stdout.write(JSON.stringify(line, (key, value) =>
  typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array || value?.type === 'Buffer'
    ? Buffer.from(value.data ?? value).toString('base64') : value) + '\n');

const kafka = new Kafka({
  clientId: options.groupId,
  brokers: options.brokers,
  sasl: { mechanism: 'scram-sha-256', username: options.username, password: options.password },
  ssl: false,
  logLevel: logLevel.NOTHING,
  retry: { retries: 2 },
});
const registry = new SchemaRegistryClient({ baseURLs: [options.registryUrl] });
const deserializer = new AvroDeserializer(registry, SerdeType.VALUE, {});
const consumer = kafka.consumer({ groupId: options.groupId, readUncommitted: false });

const waiting = new Map(options.topics.map((topic) => [topic, new Set(options.expect?.[topic] ?? [])]));
let finished = false;
// called from inside eachMessage too, whose end disconnect() waits for: so it is not awaited there
const finish = (status, line) => {
  if (finished) return;
  finished = true;
  if (line) print(line);
  clearTimeout(timer);
  setTimeout(() => process.exit(status), 5000).unref();
  consumer.disconnect().catch(() => {}).finally(() => process.exit(status));
};
const timer = setTimeout(() => finish(1, { timedOut: true, waiting: Object.fromEntries(
  [...waiting].map(([topic, ids]) => [topic, [...ids]])) }), options.timeoutMs ?? 60000);

const refused = (error) => {
  const type = error?.type ?? error?.cause?.type ?? error?.originalError?.type;
  return typeof type === 'string' && type.endsWith('AUTHORIZATION_FAILED') ? type : null;
};
consumer.on(consumer.events.CRASH, ({ payload }) => {
  const type = refused(payload.error);
  finish(type ? 3 : 2, type ? { refused: options.topics.join(','), error: type } : { crashed: String(payload.error) });
});

try {
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      let value;
      try {
        value = await deserializer.deserialize(topic, message.value);
      } catch (error) {
        return finish(2, { topic, undecodable: String(error) });
      }
      print({ topic, key: message.key?.toString(), value });
      const referralId = value?.metadata?.referralId;
      waiting.get(topic)?.delete(referralId);
      if ([...waiting.values()].every((ids) => ids.size === 0)) finish(0, { done: true });
    },
  });
} catch (error) {
  const type = refused(error);
  finish(type ? 3 : 2, type ? { refused: options.topics.join(','), error: type } : { failed: String(error) });
}
