package dev.nst.api;

/** A loss value and its gradient with respect to the loss's input. */
public record LossValue(double value, Tensor gradient) {}
