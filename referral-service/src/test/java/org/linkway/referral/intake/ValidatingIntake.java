package org.linkway.referral.intake;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.linkway.platform.security.Role;
import org.linkway.platform.testing.ServiceCodecs;
import org.linkway.platform.testing.TestCallers;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemHandler;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * An intake with no Kafka behind it for the intake controllers' fuzz properties: it validates as
 * the real {@link ReferralIntake} does and counts what it would have submitted, so a property can
 * check that a refused referral is never submitted.
 */
public final class ValidatingIntake {

  /** The practice every fuzzed referral comes from. */
  public static final String PRACTICE = "D82044";

  private final AtomicInteger submitted = new AtomicInteger();
  private final ReferralIntake intake = mock(ReferralIntake.class);

  public ValidatingIntake() {
    when(intake.submit(any(), any(), any(), any())).thenAnswer(call -> {
      List<ProblemException.FieldProblem> problems = ReferralValidator.validate(call.getArgument(0));
      if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));
      submitted.incrementAndGet();
      return Mono.just(new ReferralIntake.Received(ReferralIntake.referralId(PRACTICE, call.getArgument(1)), "SUBMITTED",
          false));
    });
  }

  /** The intake to give the controller. */
  public ReferralIntake intake() {
    return intake;
  }

  /** How many referrals have passed validation and been submitted so far. */
  public int submitted() {
    return submitted.get();
  }

  /**
   * A client bound to the controller as the services run it (their codecs and problem+json), calling
   * as a GP of {@link #PRACTICE}.
   */
  public static WebTestClient clientOf(Object controller) {
    return WebTestClient.bindToController(controller)
        .controllerAdvice(new ProblemHandler())
        .httpMessageCodecs(ServiceCodecs.asTheServicesRun())
        .webFilter(TestCallers.as(Role.GP, PRACTICE))
        .configureClient().responseTimeout(Duration.ofSeconds(30))
        .build();
  }
}
