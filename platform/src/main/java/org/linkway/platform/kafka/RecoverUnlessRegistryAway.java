package org.linkway.platform.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.streams.RecoveringDeserializationExceptionHandler;

/**
 * Kafka Streams' handler of a record it could not read: dead-lettered, and the stream goes on ({@link
 * RecoveringDeserializationExceptionHandler}), unless it could not be read because the schema registry was away
 * ({@link RegistryOutage}): then the stream thread stops, without committing past the record, and is replaced, to read
 * it again once the registry answers. A good record is never dead-lettered for the registry's outage.
 */
public final class RecoverUnlessRegistryAway extends RecoveringDeserializationExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(RecoverUnlessRegistryAway.class);

  @Override
  public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
      Exception exception) {
    if (RegistryOutage.isOutage(exception)) {
      // the record's place only: its key may name a person
      log.error("a record on {} (partition {}, offset {}) could not be read while the schema registry was away; the "
          + "stream thread stops and is replaced, to read it again", record.topic(), record.partition(), record.offset());
      return DeserializationHandlerResponse.FAIL;
    }
    return super.handle(context, record, exception);
  }
}
