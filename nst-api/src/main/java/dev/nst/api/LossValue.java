package dev.nst.api;

/**
 * A loss value and its gradient with respect to the loss's input.
 *
 * @param value the loss
 * @param gradient d loss / d input, shaped like the input
 */
public record LossValue(double value, Tensor gradient) {}
