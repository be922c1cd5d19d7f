package org.linkway.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.linkway.events.ReferralCancelled;
import org.linkway.events.ReferralEvent;

class CachingAvroDatumProviderTest {

  private final CachingAvroDatumProvider<ReferralEvent> provider = new CachingAvroDatumProvider<>();

  private static ReferralEvent event() {
    return new ReferralEvent(Events.metadata("test", UUID.randomUUID(), null), new ReferralCancelled("moved away", "D82044", null));
  }

  @Test
  void givenTheSameSchemaObject_whenAskedAgain_thenTheSameWriterAndReaderAreReturned() {
    provider.setUseSpecificAvroReader(true);
    ReferralEvent event = event();
    assertThat(provider.createDatumWriter(event, ReferralEvent.getClassSchema()))
        .isSameAs(provider.createDatumWriter(event(), ReferralEvent.getClassSchema()));
    assertThat(provider.createDatumReader(ReferralEvent.getClassSchema()))
        .isSameAs(provider.createDatumReader(ReferralEvent.getClassSchema()));
  }

  @Test
  void givenAnEqualSchemaParsedAgain_whenAsked_thenItsReaderReadsTheSame() throws IOException {
    provider.setUseSpecificAvroReader(true);
    Schema parsedAgain = new Schema.Parser().parse(ReferralEvent.getClassSchema().toString());
    DatumReader<ReferralEvent> first = provider.createDatumReader(ReferralEvent.getClassSchema());
    // another schema object: not found by identity, so the default provider is asked (which may share its reader)
    DatumReader<ReferralEvent> second = provider.createDatumReader(parsedAgain);

    ReferralEvent event = event();
    byte[] bytes = write(provider.createDatumWriter(event, ReferralEvent.getClassSchema()), event);
    assertThat(first.read(null, DecoderFactory.get().binaryDecoder(bytes, null))).isEqualTo(event);
    assertThat(second.read(null, DecoderFactory.get().binaryDecoder(bytes, null))).isEqualTo(event);
  }

  private static byte[] write(DatumWriter<ReferralEvent> writer, ReferralEvent event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    writer.write(event, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
