package dev.nst.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ChoiceTest {
  /** A choice over two numbers with one hidden alias. */
  static final class Numbers extends Choice<Integer> {
    Numbers() {
      super(ImmutableMap.of("one", 1, "two", 2), ImmutableMap.of("eins", 1));
    }
  }

  @Test
  void namesConvertIgnoringCaseAndSpaceAndAliasesStayOutOfTheList() {
    Numbers n = new Numbers();
    assertThat(n.convert(" TWO ")).isEqualTo(2);
    assertThat(n.convert("Eins")).isEqualTo(1);
    assertThat(n).containsExactly("one", "two");
  }

  @Test
  void anUnknownNameListsTheChoicesAsTyped() {
    assertThatThrownBy(() -> new Numbers().convert("Three"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("expected one of [one, two] (case-insensitive) but was 'Three'");
  }

  @Test
  void namesMustBeLowerCaseSoThatTheyMatchWhatIsTyped() {
    assertThatThrownBy(() -> new Choice<Integer>(ImmutableMap.of("One", 1)) {})
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("choice names are lower case, got One");
  }
}
