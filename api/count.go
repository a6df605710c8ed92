package api

import (
	"context"
	"fmt"
)

// EndpointMessageCount answers how many messages a chatbot's history holds.
const EndpointMessageCount = "GetMessageCountByChatbot"

// MessageCount asks how many messages the chatbot's whole history holds: one
// cheap request, outside the history endpoint's rate limit. A server without
// the endpoint answers 404 (an error wrapping ErrNotFound).
func (c *Client) MessageCount(ctx context.Context, serial string) (int64, error) {
	if serial == "" {
		return 0, &Error{Kind: ErrBadRequest, Endpoint: EndpointMessageCount, Message: "no serial number"}
	}
	counts, err := post[int64](ctx, c, EndpointMessageCount, historyBody{SerialNumber: serial}, nil)
	if err != nil {
		return 0, err
	}
	if len(counts) != 1 {
		return 0, &Error{Kind: ErrDecode, Endpoint: EndpointMessageCount, Err: fmt.Errorf("Data is not a count")}
	}
	return counts[0], nil
}
