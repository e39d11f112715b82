package os

import (
	"strconv"
	"strings"
	"time"

	"github.com/safesh/safesh/internal/luaargs"
	lua "github.com/yuin/gopher-lua"
)

// date is Lua 5.1's os.date: "*t" (or "!*t") gives a table, any other
// format is C's strftime in the C locale, with every conversion C99 and
// POSIX define (gopher-lua's own lacked %j, %U, %e and others), the E and
// O modifiers accepted and ignored as the C locale does, and glibc's %s,
// %k, %l, %P. A leading "!" means UTC.
func (l *lib) date(L *lua.LState) int {
	format := "%c"
	if L.GetTop() >= 1 && L.Get(1) != lua.LNil {
		format = luaargs.CheckString(L, 1)
	}
	t := time.Now()
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		t = time.Unix(int64(luaargs.CheckNumber(L, 2)), 0)
	}
	if strings.HasPrefix(format, "!") {
		format, t = format[1:], t.UTC()
	}
	if strings.HasPrefix(format, "*t") {
		tab := L.CreateTable(0, 9)
		for _, f := range []struct {
			k string
			v int
		}{
			{"year", t.Year()}, {"month", int(t.Month())}, {"day", t.Day()},
			{"hour", t.Hour()}, {"min", t.Minute()}, {"sec", t.Second()},
			{"wday", int(t.Weekday()) + 1}, {"yday", t.YearDay()},
		} {
			tab.RawSetString(f.k, lua.LNumber(f.v))
		}
		tab.RawSetString("isdst", lua.LBool(t.IsDST()))
		L.Push(tab)
		return 1
	}
	L.Push(lua.LString(Strftime(format, t)))
	return 1
}

var (
	weekdays = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	months   = []string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// Strftime formats t as C's strftime does in the C locale.
func Strftime(format string, t time.Time) string {
	var b strings.Builder
	num := func(v, width int, pad byte) {
		s := strconv.Itoa(v)
		for i := len(s); i < width; i++ {
			b.WriteByte(pad)
		}
		b.WriteString(s)
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 >= len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		if (format[i] == 'E' || format[i] == 'O') && i+1 < len(format) {
			i++
		}
		hour12 := t.Hour() % 12
		if hour12 == 0 {
			hour12 = 12
		}
		wday := int(t.Weekday())
		yday := t.YearDay() - 1
		switch format[i] {
		case 'a':
			b.WriteString(weekdays[wday][:3])
		case 'A':
			b.WriteString(weekdays[wday])
		case 'b', 'h':
			b.WriteString(months[t.Month()-1][:3])
		case 'B':
			b.WriteString(months[t.Month()-1])
		case 'c':
			b.WriteString(Strftime("%a %b %e %H:%M:%S %Y", t))
		case 'C':
			num(t.Year()/100, 2, '0')
		case 'd':
			num(t.Day(), 2, '0')
		case 'D', 'x':
			b.WriteString(Strftime("%m/%d/%y", t))
		case 'e':
			num(t.Day(), 2, ' ')
		case 'F':
			b.WriteString(Strftime("%Y-%m-%d", t))
		case 'g':
			y, _ := t.ISOWeek()
			num(y%100, 2, '0')
		case 'G':
			y, _ := t.ISOWeek()
			num(y, 0, '0')
		case 'H':
			num(t.Hour(), 2, '0')
		case 'I':
			num(hour12, 2, '0')
		case 'j':
			num(yday+1, 3, '0')
		case 'k':
			num(t.Hour(), 2, ' ')
		case 'l':
			num(hour12, 2, ' ')
		case 'm':
			num(int(t.Month()), 2, '0')
		case 'M':
			num(t.Minute(), 2, '0')
		case 'n':
			b.WriteByte('\n')
		case 'p':
			b.WriteString(map[bool]string{true: "PM", false: "AM"}[t.Hour() >= 12])
		case 'P':
			b.WriteString(map[bool]string{true: "pm", false: "am"}[t.Hour() >= 12])
		case 'r':
			b.WriteString(Strftime("%I:%M:%S %p", t))
		case 'R':
			b.WriteString(Strftime("%H:%M", t))
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'S':
			num(t.Second(), 2, '0')
		case 't':
			b.WriteByte('\t')
		case 'T', 'X':
			b.WriteString(Strftime("%H:%M:%S", t))
		case 'u':
			num((wday+6)%7+1, 0, '0')
		case 'U':
			num((yday+7-wday)/7, 2, '0')
		case 'V':
			_, w := t.ISOWeek()
			num(w, 2, '0')
		case 'w':
			num(wday, 0, '0')
		case 'W':
			num((yday+7-(wday+6)%7)/7, 2, '0')
		case 'y':
			num(t.Year()%100, 2, '0')
		case 'Y':
			num(t.Year(), 0, '0')
		case 'z':
			_, off := t.Zone()
			sign := byte('+')
			if off < 0 {
				sign, off = '-', -off
			}
			b.WriteByte(sign)
			num(off/3600*100+off%3600/60, 4, '0')
		case 'Z':
			name, _ := t.Zone()
			if t.Location() == time.UTC {
				name = "GMT" // as glibc names gmtime's zone
			}
			b.WriteString(name)
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

// setlocale is Lua 5.1's os.setlocale for a runtime that only has the C
// locale: a query, "C", "POSIX" and "" (the environment's, which is C
// here) give "C"; any other locale gives nil, as C Lua does for a locale
// that is not installed. The category is checked as Lua checks it.
func (l *lib) setlocale(L *lua.LState) int {
	cat := "all"
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		cat = luaargs.CheckString(L, 2)
	}
	switch cat {
	case "all", "collate", "ctype", "monetary", "numeric", "time":
	default:
		luaargs.ArgError(L, 2, "invalid option '"+cat+"'")
	}
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
		L.Push(lua.LString("C"))
	default:
		switch luaargs.CheckString(L, 1) {
		case "C", "POSIX", "":
			L.Push(lua.LString("C"))
		default:
			_ = v
			L.Push(lua.LNil)
		}
	}
	return 1
}
