/**
 * The MATH answer grader: {@link io.rstar4j.verify.grade.MathGrader} decides whether a predicted
 * final answer equals a gold answer (normalisation of LaTeX, numbers with a relative tolerance,
 * expressions, equations, inequalities, intervals, tuples, sets, matrices, multiple choice), in
 * pure Java on the fast path, with an optional {@link io.rstar4j.verify.grade.SymbolicBackend}
 * (sympy run by any {@link io.rstar4j.core.Verifier}) for pairs it cannot decide, and a switch for
 * the reference implementation's rules. {@link io.rstar4j.verify.grade.MathGrader#explain} says why
 * a pair got its verdict ({@link io.rstar4j.verify.grade.Explanation}).
 *
 * <h2>Answers as written</h2>
 *
 * The standard rules read answers the way people and models write them. Every rule is symmetric
 * (either side may be the gold answer) and each was chosen so that its near misses stay unequal.
 *
 * <ul>
 *   <li><b>Boxes.</b> The last {@code \boxed{}} (or {@code \fbox{}}) is the answer; a box inside a
 *       box is read through ({@code \boxed{\boxed{5}}} is 5). When a text ends with several boxes
 *       separated only by commas, semicolons, spacing ({@code \quad}, {@code \ }), dollars and the
 *       words "and" / "or" ({@code \boxed{1}, \boxed{2}}, {@code \boxed{-2} \quad \text{and} \quad
 *       \boxed{1}}), they are one list of answers. Boxes separated by other text are not: in {@code
 *       \boxed{3} so the answer is \boxed{7}} the answer is 7. The strict reference rules always
 *       take the last box.
 *   <li><b>Chains of equalities</b> are read by their last value: {@code t = 3 \cdot 4 = 12} is
 *       {@code t = 12} and equals 12. The first part must be a name or a label (the value is
 *       assigned to it) or a number ({@code 3 \cdot 4 = 12} is a computation shown, read as 12);
 *       {@code 2x = 10} stays an equation and does not equal 10.
 *   <li><b>Approximations.</b> {@code a \approx b} is read by the exact value {@code a}: {@code 2/7
 *       \approx 0.29} equals 2/7, not 0.29 (the rounding is the writer's, not the answer), and
 *       {@code x = 1/3 \approx 0.33} is {@code x = 1/3}. When only a variable stands before it
 *       ({@code x \approx 2.5}) the approximation is the value. {@code \sim} is not read as an
 *       approximation: it also means "similar to" and "distributed as", so {@code 2/7 \sim 0.29}
 *       stays text.
 *   <li><b>Decimal commas.</b> An answer that is one comma between two runs of digits, without
 *       spaces, is read both as a decimal number and as a list of two numbers, whenever the comma
 *       cannot be a thousands separator: {@code 2,75} equals 2.75 (and the list 2, 75), as do
 *       {@code 1000,99} and {@code 0,111}. The comma can be a thousands separator when 1 to 3
 *       digits without a leading zero come before it and exactly 3 after: {@code 1,000} and {@code
 *       12,345} are read as before (1000 and 12345, or a list), so {@code 1,234} never equals
 *       1.234. A fraction part of zeros only ({@code 0,0}, {@code 2,0}) is not a decimal comma; two
 *       or more commas ({@code 1,5,7}) are a list. {@code {,}} between digits is a thousands
 *       separator before exactly three digits ({@code 10{,}000}) and a decimal comma otherwise
 *       ({@code 2{,}75}). A gold list of two numbers written without a space, such as {@code 1,3},
 *       therefore also equals 1.3.
 *   <li><b>Fractions.</b> {@code \frac}, {@code \dfrac}, {@code \tfrac}, {@code \cfrac}, {@code
 *       \sfrac}, {@code \nicefrac}, {@code {a \over b}} and {@code a/b} read alike, with braced or
 *       single-character arguments ({@code \frac12}). <b>Mixed numbers:</b> an integer followed by
 *       {@code \frac} of two integers ({@code 2\frac{1}{2}} = 5/2), and, with a space, an integer
 *       followed by a proper fraction of integers ({@code 2 \frac{1}{2}}, {@code 4 4/9} = 40/9,
 *       {@code -4 4/9} = -40/9); {@code 2 \frac{3}{2}} is a product, and {@code 1 000} a thousands
 *       separator.
 *   <li><b>Percentages.</b> {@code 50\%}, {@code 50%}, {@code 50 percent}, {@code 50 percentage},
 *       {@code 50 per cent}, {@code 50 pct} and {@code 50 pct.} (also inside {@code \text{}}) are
 *       the same percentage. A percentage equals its number and its number divided by 100 ({@code
 *       50 pct} equals 50 and 1/2), but only when one side is written as a percentage: 50 never
 *       equals 0.5.
 *   <li><b>Labels.</b> A labelled answer equals its value: {@code x = 5}, {@code f(2) = 5}, and the
 *       labels of geometry and ratios: segment and polygon names {@code MN = 7}, {@code |AB| = 7},
 *       {@code \overline{AB} = 7}, {@code \angle ABC = 40^\circ}, {@code m\angle A}, the area
 *       {@code [ABC]}, subscripted names {@code S_{ABC}}, {@code V_1}, ratios of names {@code
 *       S_1:S_2 = 3:5} (equals {@code 3:5}, not {@code 5:3}) and fractions of names {@code
 *       \frac{NO}{BO} = \frac{1}{\sqrt6}}. A left side with numbers or operators ({@code 2x = 10},
 *       {@code x + y = 7}) or lower-case letters run together ({@code xy = 6}, a product) is an
 *       equation, not a label. Two different labels with the same value are not equal ({@code MN =
 *       7} against {@code AB = 7}). Ratios themselves are compared as written ({@code 3:5} is not
 *       {@code 6:10}).
 *   <li><b>Lists with labels.</b> Groups of labelled values separated by semicolons or by "or" /
 *       "and" ({@code a=1,b=4; a=2,b=3}, {@code x = 1, y = 2 \text{ or } x = 3, y = 4}) are a list
 *       of groups; each group equals the tuple of its values in the written order, so the example
 *       equals {@code (1,4),(2,3)} in any order of the groups. A group must hold two or more
 *       assignments to different names; otherwise semicolons and commas separate single answers, as
 *       before. "or" between tuples needs no spaces ({@code (11,7)or(7,11)}). A list of answers
 *       without brackets is unordered: {@code AB=4,CD=5} equals {@code 4, 5} and {@code 5, 4}.
 *   <li><b>Relations and sets.</b> A chain {@code 0 < t \le 3}, a membership {@code t \in (0,3]}, a
 *       bracketed interval {@code (0,3]} and a union of intervals describe the same set of real
 *       numbers and are compared as such, open and closed ends kept. <b>Absolute values:</b> {@code
 *       |f| < c}, {@code |f| \le c}, {@code |f| > c}, {@code |f| \ge c} and {@code a \le |f| \le b}
 *       for f linear in one variable and positive constant bounds are the intervals they describe:
 *       {@code |x-1| > 2} equals {@code (-\infty,-1)\cup(3,\infty)} and {@code x < -1 \text{ or } x
 *       > 3}; {@code 1 \le |z| \le 3/2} equals {@code [-3/2,-1]\cup[1,3/2]}. Other absolute-value
 *       relations are compared as relations.
 *   <li><b>Sets.</b> {@code x \in \{1,2\}} equals {@code \{1, 2\}} and the list {@code 1, 2}; sets
 *       and lists are unordered, tuples and intervals ordered. {@code \pm} is the set of both signs
 *       ({@code \pm 3} equals {@code 3, -3}, not 3).
 *   <li><b>Matrices</b> ({@code pmatrix}, {@code bmatrix}, {@code matrix}, {@code smallmatrix},
 *       {@code array}, with or without {@code \left[ \right]} or a final row break) are equal when
 *       their shapes are and their entries are equal numbers or expressions in any form: {@code
 *       \begin{pmatrix}1/2 & 0.5\end{pmatrix}} equals {@code \begin{pmatrix}\frac{1}{2} &
 *       \frac12\end{pmatrix}}. Entries written as decimals follow the relative tolerance: 0.33 is
 *       not 1/3. A column vector equals a tuple.
 *   <li><b>Units and signs.</b> Trailing units as words or in {@code \text{}} ({@code 5 \text{
 *       cm}}, {@code 12 square units}), {@code \$}, degrees ({@code 90^\circ} equals 90, and {@code
 *       \frac{\pi}{2}} when the other side is written with pi) and thousands separators are
 *       dropped.
 *   <li><b>Powers of negative numbers.</b> An odd root of a negative number is real ({@code
 *       \sqrt[3]{-8} = -2}), and so are its powers: {@code x^{2/3}} is {@code (\sqrt[3]{x})^2}.
 * </ul>
 *
 * <h2>Rules named by explanations</h2>
 *
 * {@link io.rstar4j.verify.grade.Explanation#rule()} is one of: {@code identical}, {@code
 * plain-numbers} (two plain decimal numbers), {@code long-text} (over 2,000 characters, compared as
 * text), {@code nested-too-deeply}; {@code same-text}, {@code number-exact} (both written exactly:
 * to 1e-9), {@code number-tolerance} (a decimal on either side: the relative tolerance), {@code
 * percent}, {@code degrees}, {@code expression-sampled} (equal at sample points), {@code
 * percent-vs-expression}, {@code symbolic} (the back end), {@code different-text}; {@code choice};
 * {@code same-names}, {@code labelled-value}, {@code function-name}, {@code by-name}, {@code
 * assignment-as-equation}; {@code equation-rearranged}, {@code relation-rearranged}; {@code
 * relation-vs-interval}, {@code absolute-value-vs-intervals}, {@code same-intervals}, {@code
 * same-relation-set}; {@code tuple-in-order}, {@code tuple-vs-list}, {@code tuple-vs-vector},
 * {@code nested-lists-vs-matrix}, {@code matrix-entries}, {@code any-order}, {@code single-item};
 * {@code decimal-comma}, {@code thousands-separator}, {@code list} (the reading of an answer with
 * two readings that matched); {@code different-kinds}. With the strict reference rules, the step of
 * {@code math_equal} that decided: {@code reference-same-text}, {@code reference-choice}, {@code
 * reference-numbers}, {@code reference-brackets-removed}, {@code reference-list}, {@code
 * reference-matrix}, {@code reference-equation}, {@code reference-simple-equation}, {@code
 * reference-symbolic}, {@code reference-empty}, {@code reference-too-deep}.
 *
 * <p>Arguments and results are never null unless stated.
 */
package io.rstar4j.verify.grade;
