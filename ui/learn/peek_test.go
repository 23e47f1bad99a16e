package learn

import (
	"fmt"
	"testing"
)

func TestPeek(t *testing.T) {
	home(t)
	c := builtinCourse(t)
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		d := openLesson(t, c, c.Lessons[0], Korean, false, sz[0], sz[1])
		d.run(`SELECT * FROM Shop WHERE PK = 'USER#u123'`)
		fmt.Println(d.view())
		d.press("f6")
		d.press("f6")
		fmt.Println(d.view())
		d.sess.Close()
	}
}
