#!/usr/bin/env bash
# What a user's build pulls in: installs this reactor into a PRIVATE local repository (never
# ~/.m2), then resolves throwaway user projects against it, exactly as a user's `mvn install`
# followed by their own build would, compiles and runs a tiny class in each, and prints the
# resolved runtime jars (count, total size) and which of them carry native libraries.
#
#   benchmarks/dependency-sizes.sh            # all user projects and every module alone
#   RSTAR_DEPSIZES_DIR=/tmp/x benchmarks/dependency-sizes.sh
#   RSTAR_DEPSIZES_SKIP_GPU=1 ...             # skip the GPU project (onnxruntime_gpu is ~640 MB)
#
# The private local repository ($RSTAR_DEPSIZES_DIR/m2) is seeded once from a copy of
# ~/.m2/repository (read only) so that third-party jars need no download; what is missing comes
# from Maven Central into the private copy. The user projects import rstar-bom when the reactor has
# one (and name versions by hand otherwise, for figures of older commits).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${RSTAR_DEPSIZES_DIR:-/tmp/rstar4j-depsizes}"
repo="$work/m2"
export MAVEN_OPTS="${MAVEN_OPTS:--Xmx1g}"
mvn_q=(mvn -B -ntp -q -Dstyle.color=never "-Dmaven.repo.local=$repo")

mkdir -p "$work"
if [ ! -d "$repo" ]; then
  echo "seeding $repo from ~/.m2/repository (a copy; ~/.m2 is only read)" >&2
  mkdir -p "$repo"
  if [ -d "$HOME/.m2/repository" ]; then
    cp -r "$HOME/.m2/repository/." "$repo/"
  fi
fi
rm -rf "$repo/io/rstar4j"

# the version: rstar-bom's (the root of the pom hierarchy) or, on older commits, the root pom's
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/rstar-bom/pom.xml" "$root/pom.xml" \
  2>/dev/null | head -1)"
ort_version="$(sed -n 's:.*<onnxruntime.version>\(.*\)</onnxruntime.version>.*:\1:p' "$root/pom.xml" "$root/rstar-bom/pom.xml" 2>/dev/null | head -1)"
graalpy_version="$(sed -n 's:.*<graalpy.version>\(.*\)</graalpy.version>.*:\1:p' "$root/pom.xml" "$root/rstar-bom/pom.xml" 2>/dev/null | head -1)"
has_bom=0
[ -f "$root/rstar-bom/pom.xml" ] && has_bom=1

echo "installing rstar4j $version into $repo (tests skipped)..." >&2
(cd "$root" && "${mvn_q[@]}" -DskipTests install -pl '!benchmarks') >&2

# dep GROUP:ARTIFACT[:TYPE]: a dependency element; versions come from the BOM when there is one.
dep() {
  local g a t v
  IFS=: read -r g a t <<<"$1"
  v=""
  if [ "$has_bom" = 0 ]; then
    case "$g" in
      io.rstar4j) v="$version" ;;
      com.microsoft.onnxruntime) v="$ort_version" ;;
      org.graalvm.polyglot) v="$graalpy_version" ;;
    esac
  fi
  printf '    <dependency><groupId>%s</groupId><artifactId>%s</artifactId>' "$g" "$a"
  [ -n "$v" ] && printf '<version>%s</version>' "$v"
  [ -n "$t" ] && printf '<type>%s</type>' "$t"
  printf '</dependency>\n'
}

# project NAME MAIN_JAVA DEP...: writes a throwaway user project, compiles it, resolves its
# runtime class path, runs its Main, and prints one summary line plus the native-carrying jars.
project() {
  local name="$1" main="$2"
  shift 2
  local dir="$work/projects/$name"
  rm -rf "$dir"
  mkdir -p "$dir/src/main/java/demo"
  {
    cat <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>demo</groupId>
  <artifactId>$name</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
EOF
    if [ "$has_bom" = 1 ]; then
      cat <<EOF
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>io.rstar4j</groupId>
        <artifactId>rstar-bom</artifactId>
        <version>$version</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
EOF
    fi
    echo "  <dependencies>"
    local d
    for d in "$@"; do dep "$d"; done
    echo "  </dependencies>"
    cat <<EOF
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.13.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>3.8.1</version>
      </plugin>
    </plugins>
  </build>
EOF
    echo "</project>"
  } >"$dir/pom.xml"
  if [ -n "$main" ]; then
    printf '%s\n' "$main" >"$dir/src/main/java/demo/Main.java"
  fi
  (cd "$dir" && "${mvn_q[@]}" compile dependency:build-classpath -DincludeScope=runtime \
    -Dmdep.outputFile=runtime.classpath) >&2
  local cp total=0 count=0 natives=() jar size
  cp="$(cat "$dir/runtime.classpath")"
  IFS=: read -r -a jars <<<"$cp"
  for jar in "${jars[@]}"; do
    [ -f "$jar" ] || continue
    size=$(stat -c %s "$jar")
    total=$((total + size))
    count=$((count + 1))
    # (grep reads the whole listing: with -q it could stop early and fail the pipe under pipefail)
    if [ "$(unzip -Z1 "$jar" 2>/dev/null | grep -cE '\.(so|dll|dylib|jnilib)$')" -gt 0 ]; then
      natives+=("$(basename "$jar")")
    fi
  done
  printf '%-24s %3d jars %9.1f MiB  native: %s\n' "$name" "$count" \
    "$(echo "$total / 1048576" | bc -l)" "${natives[*]:-none}"
  if [ -n "$main" ]; then
    local out
    if ! out="$(cd "$dir" && java -cp "target/classes${cp:+:$cp}" demo.Main 2>"$dir/run.err")"; then
      out="$out (failed: $(tail -1 "$dir/run.err"))"
    fi
    printf '%-24s   run: %s\n' "" "$(echo "$out" | tr '\n' ' ' | cut -c1-220)"
  fi
}

search_main='package demo;

import io.rstar4j.core.http.OpenAiCompatiblePolicy;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.mcts.SearchConfig;
import java.nio.file.Path;

/** Search over a served model: no ONNX Runtime, no GraalPy on the class path. */
public class Main {
  public static void main(String[] args) {
    var policy = OpenAiCompatiblePolicy.builder().baseUrl("http://localhost:8000/v1").model("m").build();
    SearchConfig config = SearchConfig.bootstrapRound();
    System.out.println("policy " + policy.endpoint() + ", config " + (config != null));
    try {
      CausalLm.builder(Path.of("no-such-export")).build();
    } catch (Exception | LinkageError e) {
      System.out.println("CausalLm: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}'

onnx_main='package demo;

import io.rstar4j.core.model.CausalLm;
import java.nio.file.Path;

/** A local ONNX model: the builder reaches the file system (the export is missing here). */
public class Main {
  public static void main(String[] args) {
    try {
      CausalLm.builder(Path.of("no-such-export")).build();
    } catch (Exception | LinkageError e) {
      System.out.println("CausalLm: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}'

graalpy_main='package demo;

import io.rstar4j.verify.GraalPyVerifier;
import java.time.Duration;
import java.util.List;

/** The GraalPy sandbox runs one program. */
public class Main {
  public static void main(String[] args) {
    try (GraalPyVerifier v =
        GraalPyVerifier.builder()
            .poolSize(1)
            .preload(List.of())
            .acquireTimeout(Duration.ofMinutes(10))
            .build()) {
      System.out.println("GraalPy: " + v.execute("print(6 * 7)").text().strip());
    }
  }
}'

evolve_main='package demo;

import io.rstar4j.train.evolve.SelfEvolution;
import io.rstar4j.verify.CPythonVerifier;
import io.rstar4j.verify.GraalPyVerifier;

/** Self-evolution with the CPython verifier: GraalPy is not needed (and not present). */
public class Main {
  public static void main(String[] args) throws Exception {
    System.out.println("uses " + SelfEvolution.class.getSimpleName());
    try (CPythonVerifier v = CPythonVerifier.builder().workers(1).build()) {
      System.out.println("CPython: " + v.execute("print(6 * 7)").text().strip());
    } catch (Exception e) {
      System.out.println("CPython: " + e.getMessage());
    }
    try {
      GraalPyVerifier.builder();
      System.out.println("GraalPyVerifier.builder(): ok");
    } catch (Exception | LinkageError e) {
      System.out.println("GraalPyVerifier.builder(): " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}'

fixtures_main='package demo;

import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.testing.TinyQwen2;
import io.rstar4j.mcts.script.ScriptedProblem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The test fixtures: a tiny ONNX decoder written and loaded, and a golden tree replayed. */
public class Main {
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("tiny-qwen2");
    TinyQwen2.writeExport(TinyQwen2.Config.tiny(), dir);
    try (CausalLm lm = CausalLm.load(dir)) {
      System.out.println("TinyQwen2 loaded: " + lm.layout().vocabSize() + " tokens");
    }
    String name = "/golden-trees/example-1-terminal-guided.script.json";
    byte[] script = Main.class.getResourceAsStream(name).readAllBytes();
    var tree = ScriptedProblem.parse(new String(script, StandardCharsets.UTF_8), "ex1").replay().tree();
    System.out.println("golden tree replayed: root visits " + tree.root().visits());
  }
}'

echo
echo "user projects (resolved runtime class path of a project with these dependency lines):"
project search-only "$search_main" io.rstar4j:rstar-core io.rstar4j:rstar-mcts
project onnx-cpu "$onnx_main" io.rstar4j:rstar-core io.rstar4j:rstar-mcts \
  com.microsoft.onnxruntime:onnxruntime
if [ "${RSTAR_DEPSIZES_SKIP_GPU:-0}" != 1 ]; then
  project gpu "$onnx_main" io.rstar4j:rstar-core io.rstar4j:rstar-mcts \
    com.microsoft.onnxruntime:onnxruntime_gpu
fi
project graalpy-sandbox "$graalpy_main" io.rstar4j:rstar-verify org.graalvm.polyglot:polyglot \
  org.graalvm.polyglot:python-community:pom
if [ "$has_bom" = 1 ]; then
  project test-fixtures "$fixtures_main" io.rstar4j:rstar-core:test-jar io.rstar4j:rstar-mcts \
    io.rstar4j:rstar-mcts:test-jar org.tribuo:tribuo-util-onnx com.microsoft.onnxruntime:onnxruntime
fi
project self-evolution-cpython "$evolve_main" io.rstar4j:rstar-train io.rstar4j:rstar-verify \
  com.microsoft.onnxruntime:onnxruntime

echo
echo "each module alone (one dependency line, nothing added):"
for m in rstar-core rstar-mcts rstar-verify rstar-train examples; do
  project "$m" "" "io.rstar4j:$m"
done
