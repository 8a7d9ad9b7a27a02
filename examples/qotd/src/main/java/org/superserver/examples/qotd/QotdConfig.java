package org.superserver.examples.qotd;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@value QotdHandler#PID} (optional): where the quotes come from and how many
 * UDP answers the handler sends. Method names map to property names as Declarative Services maps
 * them: {@code quotes__file()} is {@code quotes_file}.
 */
@ObjectClassDefinition(
        id = QotdHandler.PID,
        name = "Superserver example: Quote of the Day",
        description = "The quotes of the qotd handler (RFC 865) and its UDP reply budget.")
@interface QotdConfig {

    @AttributeDefinition(name = "quotes_file", required = false,
            description = "A file of quotes in fortune(6) format: quotes separated by lines holding only %."
                    + " Each quote must fit in 511 bytes once its lines end in CR LF (RFC 865: under 512"
                    + " characters); a longer one is reported with its line and left out. Read again when"
                    + " this configuration changes. Default: empty, the built-in list.")
    String quotes__file() default "";

    @AttributeDefinition(name = "udp_replies_per_second", required = false, min = "1",
            description = "Quotes per second the handler sends over UDP, to all senders together, once the burst"
                    + " is spent; a datagram beyond that gets no answer, so that forged senders cannot turn"
                    + " the service into a reflector. Default: 20.")
    int udp__replies__per__second() default ReplyBudget.DEFAULT_RATE;

    @AttributeDefinition(name = "udp_replies_burst", required = false, min = "1",
            description = "Quotes the handler may send over UDP at once before the per-second rate applies."
                    + " Default: 40.")
    int udp__replies__burst() default ReplyBudget.DEFAULT_BURST;
}
