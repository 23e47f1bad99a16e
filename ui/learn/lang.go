package learn

import (
	"fmt"
	"os"
	"strings"
)

// Lang is the language lessons are shown in.
type Lang string

// The languages every lesson is written in.
const (
	English Lang = "en"
	Korean  Lang = "ko" // the language of the guide the lessons follow
)

// Langs lists the languages, in the order a lesson's files are checked.
var Langs = []Lang{English, Korean}

// ParseLang reads a --lang value: "en", "ko", or a locale such as
// "ko_KR.UTF-8"; "" is English.
func ParseLang(s string) (Lang, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	switch {
	case l == "", strings.HasPrefix(l, "en"), l == "c", l == "posix":
		return English, nil
	case strings.HasPrefix(l, "ko"):
		return Korean, nil
	}
	return "", fmt.Errorf("unknown language %q (lessons are in en and ko)", s)
}

// LangFromEnv picks the language from the locale the way setlocale does:
// the first of LC_ALL, LC_MESSAGES and LANG that is set; a Korean locale
// ("ko", "ko_KR.UTF-8") is Korean, anything else English.
func LangFromEnv() Lang { return langFrom(os.Getenv) }

func langFrom(getenv func(string) string) Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := getenv(v); s != "" {
			if strings.HasPrefix(strings.ToLower(s), "ko") {
				return Korean
			}
			return English
		}
	}
	return English
}
