package tui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/neotui/neotui/api"
	"github.com/neotui/neotui/internal/store"
	"github.com/neotui/neotui/internal/syncer"
	"github.com/neotui/neotui/tui/list"
)

// firstPage is how many rows the start-up load reads before the rest, so the
// first frame comes at once even from a store of 100k conversations: a
// screenful for a terminal taller than most, the rest a moment later. On
// PostgreSQL each row read costs: the first frame of both lists takes
// 5.7–8.9 ms at 100 rows, 7.5–12 ms at 300.
const firstPage = 100

// searchPage is how many hits a search reads at a time, newest
// conversations first: more than a screen, and few enough that the first
// screen of any query but a rare short word shows within a frame or three.
const searchPage = 60

// Commands run off the UI goroutine, while Update may switch bots: they
// copy what they read of sh when made, never read it when run.

// loadLeads reads the leads, and builds their rows for view v, indexed for
// the filter, off the update loop. prev are the rows shown (see
// list.NewRows).
func loadLeads(sh *shared, seq, limit int, v leadView, prev list.Rows) tea.Cmd {
	q := store.LeadQuery{Bot: sh.Serial, AllBots: sh.allBots, Limit: limit}
	snoozed := sh.snoozedOnly
	return func() tea.Msg {
		// Snoozed leads stay out until their time; the next load after it
		// brings them back. Z shows them alone.
		now := sh.now()
		if !snoozed {
			q.HideSnoozedAt = now
		}
		var leads leadSet
		read := 0
		err := sh.Store.EachLead(sh.ctx, q, func(l store.Lead) {
			read++
			if !snoozed || l.Triage().Snoozed(now) {
				leads.add(l)
			}
		})
		complete := limit == 0 || read < limit
		items, cols := leadRows(leads, v)
		return leadsLoadedMsg{seq: seq, leads: leads, rows: list.NewRows(items, prev), cols: cols, view: v.seq,
			complete: complete, snoozed: snoozed, err: err}
	}
}

// loadSessions reads the conversations into rows indexed for the filter,
// both off the update loop, in order (listSort), each with who its visitor
// was when it produced a lead. prev are the rows shown (see list.NewRows).
func loadSessions(sh *shared, seq, limit int, order string, prev list.Rows) tea.Cmd {
	q := store.SessionQuery{Bot: sh.Serial, Limit: limit}
	return func() tea.Msg {
		// Who the visitors were: for the whole list, one pass over the
		// bot's leads, read beside the rows; for a first page, its few
		// rows' leads alone, once the rows are read.
		var who leadWho
		var whoErr error
		whoDone := make(chan struct{})
		if limit == 0 {
			go func() {
				defer close(whoDone)
				who, whoErr = readWho(sh, q.Bot, math.MinInt64, math.MaxInt64)
			}()
		} else {
			close(whoDone)
		}
		// Two parts, one a core: the rows of each are built as they arrive.
		var parts [2]sessionRows
		err := sh.Store.EachSessionParts(sh.ctx, q, len(parts), func(p int, r store.SessionRow) { parts[p].add(r) })
		<-whoDone
		if limit > 0 && parts[0].n > 0 {
			who, whoErr = readWho(sh, q.Bot, parts[0].lo, parts[0].hi)
		}
		parts[0].setWho(who)
		parts[1].setWho(who)
		err = errors.Join(err, whoErr)
		items := sessionItems(&parts[0], &parts[1])
		if order != sortNewest {
			sortSessions(items, order)
		}
		rows := list.NewRows(items, prev)
		return sessionsLoadedMsg{seq: seq, rows: rows, complete: limit == 0 || rows.Len() < limit, err: err}
	}
}

// sortRows puts rows in order, off the update loop: the list's own rows,
// when o changes their order.
func sortRows(seq int, rows list.Rows, order string, complete bool) tea.Cmd {
	return func() tea.Msg {
		items := slices.Clone(rows.Items())
		sortSessions(items, order)
		return sessionsLoadedMsg{seq: seq, rows: list.NewRows(items, rows), complete: complete}
	}
}

// loadTranscript loads a conversation of bot, its leads, and the earlier
// leads of the same visitor (by email or phone, any bot).
func loadTranscript(sh *shared, bot string, id int64, lead *store.Lead) tea.Cmd {
	return func() tea.Msg {
		msg := transcriptLoadedMsg{id: id}
		if lead != nil {
			msg.related, _ = sh.Store.Related(sh.ctx, *lead)
		}
		msg.session, msg.err = sh.Store.Session(sh.ctx, bot, id)
		if msg.err != nil {
			return msg
		}
		msg.leads, msg.err = sh.Store.Leads(sh.ctx, store.LeadQuery{Bot: bot, SessionID: id})
		return msg
	}
}

func fetchSession(sh *shared, fetch syncer.FetchFunc, id int64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(sh.ctx, 2*time.Minute)
		defer cancel()
		return sessionFetchedMsg{id: id, err: fetch(ctx, id)}
	}
}

// searchMessages reads a page of query's hits from after on.
func searchMessages(sh *shared, seq int, query string, after store.Cursor) tea.Cmd {
	bot := sh.Serial
	return func() tea.Msg {
		page, err := sh.Store.SearchPage(sh.ctx, bot, query, after, searchPage)
		return searchResultsMsg{seq: seq, query: query, page: page, next: after != store.Cursor{}, err: err}
	}
}

// startSync runs a sync in the background; its progress and its end arrive
// as messages through listenSync.
func startSync(sh *shared, from, to api.Day) tea.Cmd {
	events := make(chan any, 16)
	bots := sh.syncing()
	sh.syncs.Add(1)
	go func() {
		defer sh.syncs.Done()
		send := func(msg any) {
			select { // after quit nobody reads: never block on it
			case events <- msg:
			case <-sh.ctx.Done():
			}
		}
		var all syncer.Report
		var errs []error
		for i, b := range bots {
			done := 0
			var name string
			if len(bots) > 1 {
				name = fmt.Sprintf("%s (%d/%d)", b.Name, i+1, len(bots))
			}
			rep, err := b.Sync(sh.ctx, from, to, func(p syncer.Progress) {
				committed := p.Done > done
				done = p.Done
				send(syncProgressMsg{progress: p, bot: name, committed: committed, events: events})
			})
			all.Requests += rep.Requests
			all.Windows += rep.Windows
			all.Changes.Add(rep.Changes)
			if err != nil && len(bots) > 1 {
				// One bot's failure does not stop the others' sync.
				err = fmt.Errorf("%s: %w", b.Name, err)
			}
			if err != nil {
				errs = append(errs, err)
			}
			if sh.ctx.Err() != nil {
				break
			}
		}
		send(syncDoneMsg{report: all, err: errors.Join(errs...)})
		close(events)
	}()
	return listenSync(events)
}

func listenSync(events <-chan any) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-events
		if !ok {
			return nil
		}
		return msg
	}
}

func tick(sh *shared) tea.Cmd { return after(sh, time.Minute, tickMsg{}) }

// after sends msg after d, unless the browser closes first: a served
// session that ends leaves no timer behind.
func after(sh *shared, d time.Duration, msg tea.Msg) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return msg
		case <-sh.ctx.Done():
			return nil
		}
	}
}

// isNotFound reports a conversation missing from the store.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
