package learn

import (
	"strconv"
	"strings"
)

// messages are the words the checker and the lesson pane use, in one
// language. The lessons' own text is in their markdown files.
type messages struct {
	lang Lang

	// the checker's "what differs"
	runFirst, noParse, askExplain, notExplain     string
	failed, wantErrWrite, wantErrRead, wantErrGot string
	cannotPlan, opInstead, tableInstead           string
	tableNotIndex, indexNotTable, indexInstead    string
	keyInstead, partitionsInstead                 string
	filterNone, filterMissing, filterInstead      string
	order, newest, oldest                         string
	capInstead, verifyFailed, afterVerify         string
	rowsInstead, rowDiff, wrongOrder, rowsMissing string

	// the pane
	title, lessonOf, taskOf, covers, passed, notYet, hint, answer, done string
	skipped, allDone, nextLesson, lastLesson, list                      string
	checking, answerAtPrompt, unknownCommand, noLesson                  string
	progress, resumed                                                   string
}

var english = &messages{
	lang:              English,
	runFirst:          "run a statement first: the check looks at your last one",
	noParse:           "the statement does not parse: %v",
	askExplain:        "run it as EXPLAIN <statement>: the task asks for its plan",
	notExplain:        "that was an EXPLAIN: run the statement itself",
	failed:            "the statement failed: %s",
	wantErrWrite:      "expected %s, the write succeeded",
	wantErrRead:       "expected %s, the statement succeeded",
	wantErrGot:        "expected %s, got %s",
	cannotPlan:        "cannot plan it: %s",
	opInstead:         "%s instead of %s",
	tableInstead:      "reads %s instead of %s",
	tableNotIndex:     "reads the table %s, not its index %s",
	indexNotTable:     "reads the index %s, not the table %s",
	indexInstead:      "reads the index %s instead of %s",
	keyInstead:        "key condition %s; %s asked",
	partitionsInstead: "reads %d partitions instead of %d",
	filterNone:        "filters on %s after reading: the task needs no filter",
	filterMissing:     "no filter; the task filters on %s",
	filterInstead:     "filters on %s instead of %s",
	order:             "%s; %s asked",
	newest:            "newest first",
	oldest:            "oldest first",
	capInstead:        "consumed %s CU instead of %s CU",
	verifyFailed:      "reading what the statement wrote (%s) failed: %s",
	afterVerify:       "(read back by %s)",
	rowsInstead:       "%s instead of %s",
	rowDiff:           "row %d is %s; expected %s",
	wrongOrder:        "the right rows in the wrong order: %s; expected %s",
	rowsMissing:       "missing %s; returned instead %s",

	title:          "Lesson",
	lessonOf:       "Lesson %d of %d",
	taskOf:         "Task %d of %d",
	covers:         "Covers",
	passed:         "✓ passed",
	notYet:         "✗ not yet",
	hint:           "Hint",
	answer:         "Answer",
	done:           "done",
	skipped:        "skipped",
	allDone:        "✓ Lesson complete: every task passed.",
	nextLesson:     "Next: lesson %d, %s — .learn %d, or F7",
	lastLesson:     "That was the last lesson of the course.",
	list:           "Lessons (.learn N opens one; each works in its own session):",
	checking:       "checking…",
	answerAtPrompt: "the answer is at the prompt: Enter runs it",
	unknownCommand: "unknown lesson command %s (.learn [N], .check, .hint, .answer, .next)",
	noLesson:       "no lesson %q: .learn lists them",
	progress:       "%d/%d tasks",
	resumed:        "resumed at task %d of %d",
}

var korean = &messages{
	lang:              Korean,
	runFirst:          "먼저 문장을 실행하세요: 확인은 마지막으로 실행한 문장을 봅니다",
	noParse:           "문장을 해석할 수 없습니다: %v",
	askExplain:        "EXPLAIN <문장> 형태로 실행하세요: 이 과제는 실행 계획을 묻습니다",
	notExplain:        "EXPLAIN을 실행했습니다: 문장 자체를 실행하세요",
	failed:            "문장이 실패했습니다: %s",
	wantErrWrite:      "%s 오류를 기대했는데 쓰기가 성공했습니다",
	wantErrRead:       "%s 오류를 기대했는데 문장이 성공했습니다",
	wantErrGot:        "%s 오류를 기대했는데 %s 오류가 났습니다",
	cannotPlan:        "실행 계획을 세울 수 없습니다: %s",
	opInstead:         "요구한 것은 %[2]s인데 %[1]s입니다",
	tableInstead:      "요구한 테이블은 %[2]s인데 %[1]s을(를) 읽습니다",
	tableNotIndex:     "요구한 것은 인덱스 %[2]s인데 테이블 %[1]s을(를) 읽습니다",
	indexNotTable:     "요구한 것은 테이블 %[2]s인데 인덱스 %[1]s을(를) 읽습니다",
	indexInstead:      "요구한 인덱스는 %[2]s인데 %[1]s을(를) 읽습니다",
	keyInstead:        "키 조건이 %s입니다. 요구한 키 조건은 %s입니다",
	partitionsInstead: "파티션을 %[1]d개 읽습니다. 요구한 것은 %[2]d개입니다",
	filterNone:        "읽은 뒤 %s(으)로 필터링합니다: 이 과제에는 필터가 필요 없습니다",
	filterMissing:     "필터가 없습니다. 이 과제는 %s(으)로 필터링합니다",
	filterInstead:     "%[1]s(으)로 필터링합니다. 요구한 필터는 %[2]s입니다",
	order:             "%s입니다. 요구한 것은 %s입니다",
	newest:            "최신순",
	oldest:            "오래된 순",
	capInstead:        "용량을 %[1]s CU 소비했습니다. 기대한 값은 %[2]s CU입니다",
	verifyFailed:      "문장이 쓴 내용을 읽는 데(%s) 실패했습니다: %s",
	afterVerify:       "(%s로 다시 읽은 결과)",
	rowsInstead:       "%[1]s입니다. 기대한 것은 %[2]s입니다",
	rowDiff:           "%d번째 행이 %s입니다. 기대한 값은 %s입니다",
	wrongOrder:        "행은 맞지만 순서가 다릅니다: %s. 기대한 순서는 %s입니다",
	rowsMissing:       "%s 행이 없습니다. 대신 나온 행: %s",

	title:          "레슨",
	lessonOf:       "레슨 %d / %d",
	taskOf:         "과제 %d / %d",
	covers:         "다루는 내용",
	passed:         "✓ 통과",
	notYet:         "✗ 아직입니다",
	hint:           "힌트",
	answer:         "정답",
	done:           "완료",
	skipped:        "건너뜀",
	allDone:        "✓ 레슨 완료: 모든 과제를 통과했습니다.",
	nextLesson:     "다음: 레슨 %d, %s — .learn %d 또는 F7",
	lastLesson:     "코스의 마지막 레슨이었습니다.",
	list:           "레슨 목록 (.learn N으로 엽니다. 레슨마다 자기 세션에서 진행됩니다):",
	checking:       "확인 중…",
	answerAtPrompt: "정답을 프롬프트에 넣었습니다: Enter로 실행하세요",
	unknownCommand: "알 수 없는 레슨 명령 %s (.learn [N], .check, .hint, .answer, .next)",
	noLesson:       "레슨 %q이(가) 없습니다: .learn으로 목록을 보세요",
	progress:       "과제 %d/%d",
	resumed:        "과제 %d / %d부터 이어서 합니다",
}

func messagesFor(l Lang) *messages {
	if l == Korean {
		return korean
	}
	return english
}

// op names an operation in a sentence: "a Query", "an UpdateItem" (in
// Korean, the name alone).
func (m *messages) op(name string) string {
	if m.lang == Korean {
		return name
	}
	if name != "" && strings.ContainsRune("AEIOU", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// rows counts rows: "1 row", "3 rows", "행 3개".
func (m *messages) rows(n int) string {
	if m.lang == Korean {
		return "행 " + strconv.Itoa(n) + "개"
	}
	if n == 1 {
		return "1 row"
	}
	return strconv.Itoa(n) + " rows"
}

func (m *messages) orderName(o Order) string {
	if o == NewestFirst {
		return m.newest
	}
	return m.oldest
}
