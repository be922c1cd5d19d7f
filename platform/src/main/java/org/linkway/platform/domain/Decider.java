package org.linkway.platform.domain;

import java.util.List;

/**
 * The shape of a lifecycle that one stream task decides for one key: {@link #decide} turns a command and the
 * state it finds into the events that happen (none when it is refused or changes nothing), and {@link #evolve}
 * folds one event into the state. Deciding is pure: no clock but the one the decider was given, no store, no
 * topic; the processor around it reads the state, writes the events and keeps the evolved state, in one
 * transaction. Commands and events are sealed types, and each decider handles them in exhaustive
 * {@code switch} expressions over their kinds (Java 17: an enum per sealed type, no {@code default}), so that
 * a new command or event is a compile error wherever it is not handled.
 *
 * @param <C> the commands
 * @param <S> the state (null before the first event)
 * @param <E> the events
 */
public interface Decider<C, S, E> {

  /** What the command makes happen, given the state as it is. */
  List<E> decide(C command, S state);

  /** The state after one event. */
  S evolve(S state, E event);

  /** The state after each of the events in turn. */
  default S evolve(S state, List<E> events) {
    S after = state;
    for (E event : events) after = evolve(after, event);
    return after;
  }
}
