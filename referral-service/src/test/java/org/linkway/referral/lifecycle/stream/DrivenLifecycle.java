package org.linkway.referral.lifecycle.stream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.testing.SelfDescribingAvro;

/**
 * The lifecycle on its {@link TopologyTestDriver} ({@link EmptyDirectoryTopology}) with the topics its tests write
 * (the referrer's commands, referrals coming back) and read (referrals, replies, person-keys); closed after each test.
 */
final class DrivenLifecycle implements AutoCloseable {

  final TopologyTestDriver driver;
  final TestInputTopic<String, SpecificRecord> commands;
  final TestInputTopic<String, SpecificRecord> referralsIn;
  final TestOutputTopic<String, SpecificRecord> referrals;
  final TestOutputTopic<String, SpecificRecord> replies;
  final TestOutputTopic<String, SpecificRecord> personKeys;

  DrivenLifecycle(TopologyTestDriver driver) {
    this.driver = driver;
    this.commands = SelfDescribingAvro.input(driver, Topics.REFERRAL_COMMANDS);
    this.referralsIn = SelfDescribingAvro.input(driver, Topics.REFERRALS);
    this.referrals = SelfDescribingAvro.output(driver, Topics.REFERRALS);
    this.replies = SelfDescribingAvro.output(driver, Topics.REFERRAL_REPLIES);
    this.personKeys = SelfDescribingAvro.output(driver, Topics.PERSON_KEYS);
  }

  @Override
  public void close() {
    driver.close();
  }
}
